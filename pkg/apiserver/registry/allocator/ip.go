package allocator

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"sync"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"

	corev1 "keel.dev/api/core/v1"
	networkingv1 "keel.dev/api/networking/v1"

	"keel.dev/keel/pkg/apiserver/storage"
)

// Errors of the allocators; their text is what Kubernetes puts in the 422.
var (
	ErrAllocated = errors.New("provided IP is already allocated")
	ErrFull      = errors.New("range is full")
)

// ErrNotInRange reports an address or port outside the range.
type ErrNotInRange struct {
	Value      string
	ValidRange string
}

func (e *ErrNotInRange) Error() string {
	return fmt.Sprintf("the provided IP (%s) is not in the valid range. The range of valid IPs is %s", e.Value, e.ValidRange)
}

// Labels Kubernetes puts on the IPAddress objects of its allocator.
const (
	LabelIPFamily  = "ipaddress.kubernetes.io/ip-family"
	LabelManagedBy = "ipaddress.kubernetes.io/managed-by"
	ManagedBy      = "ipallocator.k8s.io"
)

// IPAllocator allocates addresses of one service CIDR.
type IPAllocator struct {
	prefix  netip.Prefix
	first   netip.Addr // network address
	size    *big.Int   // number of addresses in the prefix
	store   storage.Interface
	keyRoot string
	newUID  func() string

	mu   sync.Mutex
	used map[netip.Addr]bool
}

// NewIPAllocator returns an allocator of cidr storing IPAddress objects
// under keyRoot ("/ipaddresses") of store, and loads the stored ones.
func NewIPAllocator(ctx context.Context, cidr string, store storage.Interface, keyRoot string, newUID func() string) (*IPAllocator, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil, fmt.Errorf("service cluster IP range %q: %w", cidr, err)
	}
	p = p.Masked()
	bits := p.Addr().BitLen() - p.Bits()
	if bits < 2 {
		return nil, fmt.Errorf("service cluster IP range %q is too small", cidr)
	}
	a := &IPAllocator{prefix: p, first: p.Addr(), size: new(big.Int).Lsh(big.NewInt(1), uint(bits)),
		store: store, keyRoot: keyRoot, newUID: newUID, used: map[netip.Addr]bool{}}
	if err := a.load(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// CIDR returns the range.
func (a *IPAllocator) CIDR() string { return a.prefix.String() }

// Family returns the IP family of the range.
func (a *IPAllocator) Family() corev1.IPFamily {
	if a.prefix.Addr().Is4() {
		return corev1.IPv4Protocol
	}
	return corev1.IPv6Protocol
}

func (a *IPAllocator) load(ctx context.Context) error {
	res, err := a.store.GetList(ctx, a.keyRoot, storage.ListOptions{Recursive: true})
	if err != nil {
		return fmt.Errorf("list IP addresses: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, o := range res.Items {
		ipa := o.(*networkingv1.IPAddress)
		if ip, err := netip.ParseAddr(ipa.Name); err == nil && a.prefix.Contains(ip) {
			a.used[ip] = true
		}
	}
	return nil
}

// offset returns the address at offset i of the range.
func (a *IPAllocator) offset(i *big.Int) netip.Addr {
	b := new(big.Int).SetBytes(a.first.AsSlice())
	b.Add(b, i)
	raw := b.FillBytes(make([]byte, len(a.first.AsSlice())))
	ip, _ := netip.AddrFromSlice(raw)
	return ip
}

// usable reports whether ip may be handed out: in range, not the network
// address, not the IPv4 broadcast address.
func (a *IPAllocator) usable(ip netip.Addr) bool {
	if !a.prefix.Contains(ip) || ip == a.first {
		return false
	}
	if ip.Is4() {
		last := a.offset(new(big.Int).Sub(a.size, big.NewInt(1)))
		return ip != last
	}
	return true
}

// Has reports whether ip is allocated.
func (a *IPAllocator) Has(ip netip.Addr) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.used[ip]
}

// Used returns the number of allocated addresses.
func (a *IPAllocator) Used() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.used)
}

// Allocate reserves ip for owner (a Service); dryRun only checks.
func (a *IPAllocator) Allocate(ctx context.Context, ip netip.Addr, owner *corev1.Service, dryRun bool) error {
	if !a.usable(ip) {
		return &ErrNotInRange{Value: ip.String(), ValidRange: a.prefix.String()}
	}
	a.mu.Lock()
	taken := a.used[ip]
	a.mu.Unlock()
	if taken {
		return ErrAllocated
	}
	if dryRun {
		if _, err := a.store.Get(ctx, a.key(ip), storage.GetOptions{}); err == nil {
			return ErrAllocated
		}
		return nil
	}
	return a.create(ctx, ip, owner)
}

func (a *IPAllocator) key(ip netip.Addr) string { return a.keyRoot + "/" + ip.String() }

func (a *IPAllocator) create(ctx context.Context, ip netip.Addr, owner *corev1.Service) error {
	obj := &networkingv1.IPAddress{
		TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "IPAddress"},
		ObjectMeta: metav1.ObjectMeta{
			Name:              ip.String(),
			UID:               types.UID(a.newUID()),
			CreationTimestamp: metav1.Now(),
			Labels:            map[string]string{LabelIPFamily: string(a.Family()), LabelManagedBy: ManagedBy},
		},
		Spec: networkingv1.IPAddressSpec{ParentRef: &networkingv1.ParentReference{
			Resource: "services", Namespace: owner.Namespace, Name: owner.Name}},
	}
	_, err := a.store.Create(ctx, a.key(ip), obj, storage.CreateOptions{})
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case err == nil:
		a.used[ip] = true
		return nil
	case storage.IsExists(err):
		a.used[ip] = true
		return ErrAllocated
	default:
		return fmt.Errorf("allocate %s: %w", ip, err)
	}
}

// staticBand is the size of the low part of the range that dynamic
// allocation avoids while the rest has room (Kubernetes' static/dynamic
// split, so users can pick low addresses like .10 for DNS).
func (a *IPAllocator) staticBand() int64 {
	if !a.size.IsInt64() {
		return 256
	}
	band := a.size.Int64() / 16
	band = max(band, 16)
	band = min(band, 256)
	return band
}

// AllocateNext reserves a free address for owner; dryRun picks one without
// reserving it.
func (a *IPAllocator) AllocateNext(ctx context.Context, owner *corev1.Service, dryRun bool) (netip.Addr, error) {
	for attempt := 0; attempt < 64; attempt++ {
		ip, ok := a.pick(attempt >= 32)
		if !ok {
			return netip.Addr{}, ErrFull
		}
		if dryRun {
			return ip, nil
		}
		err := a.create(ctx, ip, owner)
		if errors.Is(err, ErrAllocated) {
			continue
		}
		if err != nil {
			return netip.Addr{}, err
		}
		return ip, nil
	}
	return netip.Addr{}, ErrFull
}

// pick chooses a free candidate, preferring the dynamic band; scan forces a
// linear search from a random start over the whole range.
func (a *IPAllocator) pick(scan bool) (netip.Addr, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	total := a.size
	if !scan {
		band := big.NewInt(a.staticBand())
		dyn := new(big.Int).Sub(total, band)
		if dyn.Sign() > 0 {
			for i := 0; i < 16; i++ {
				off := new(big.Int).Add(band, randBig(dyn))
				ip := a.offset(off)
				if a.usable(ip) && !a.used[ip] {
					return ip, true
				}
			}
		}
	}
	// Linear scan from a random start (bounded for huge IPv6 ranges).
	start := randBig(total)
	limit := int64(1 << 20)
	if total.IsInt64() && total.Int64() < limit {
		limit = total.Int64()
	}
	for i := int64(0); i < limit; i++ {
		off := new(big.Int).Add(start, big.NewInt(i))
		off.Mod(off, total)
		ip := a.offset(off)
		if a.usable(ip) && !a.used[ip] {
			return ip, true
		}
	}
	return netip.Addr{}, false
}

func randBig(n *big.Int) *big.Int {
	if n.IsInt64() {
		return big.NewInt(rand.Int64N(n.Int64()))
	}
	return big.NewInt(rand.Int64())
}

// Release frees ip; dryRun does nothing.
func (a *IPAllocator) Release(ctx context.Context, ip netip.Addr) error {
	if !a.prefix.Contains(ip) {
		return nil
	}
	_, err := a.store.Delete(ctx, a.key(ip), storage.DeleteOptions{})
	if err != nil && !storage.IsNotFound(err) {
		return fmt.Errorf("release %s: %w", ip, err)
	}
	a.mu.Lock()
	delete(a.used, ip)
	a.mu.Unlock()
	return nil
}

// Repair makes the stored addresses agree with services: every in-range
// cluster IP gets its IPAddress, and addresses owned by services that do
// not hold them any more are released.
func (a *IPAllocator) Repair(ctx context.Context, services []*corev1.Service) error {
	want := map[netip.Addr]*corev1.Service{}
	for _, svc := range services {
		for _, s := range svc.Spec.ClusterIPs {
			if ip, err := netip.ParseAddr(s); err == nil && a.prefix.Contains(ip) {
				want[ip] = svc
			}
		}
	}
	res, err := a.store.GetList(ctx, a.keyRoot, storage.ListOptions{Recursive: true})
	if err != nil {
		return fmt.Errorf("list IP addresses: %w", err)
	}
	have := map[netip.Addr]bool{}
	for _, o := range res.Items {
		ipa := o.(*networkingv1.IPAddress)
		ip, err := netip.ParseAddr(ipa.Name)
		if err != nil || !a.prefix.Contains(ip) {
			continue
		}
		have[ip] = true
		ref := ipa.Spec.ParentRef
		if _, ok := want[ip]; !ok && ref != nil && ref.Resource == "services" && ref.Group == "" {
			if err := a.Release(ctx, ip); err != nil {
				return err
			}
		}
	}
	for ip, svc := range want {
		if have[ip] {
			continue
		}
		if err := a.create(ctx, ip, svc); err != nil && !errors.Is(err, ErrAllocated) {
			return err
		}
	}
	return nil
}

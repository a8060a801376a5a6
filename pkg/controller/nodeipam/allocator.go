package nodeipam

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"sync"
)

// ErrCIDRRangeFull is returned when every node CIDR is taken.
var ErrCIDRRangeFull = errors.New("CIDR range is full")

// allocator hands out the /mask subnets of one IPv4 cluster CIDR.
type allocator struct {
	mu      sync.Mutex
	base    uint32
	shift   uint
	size    int
	mask    int
	used    []bool
	byNode  map[string]int
	next    int
	cluster netip.Prefix
}

func newAllocator(cluster netip.Prefix, mask int) (*allocator, error) {
	cluster = cluster.Masked()
	if !cluster.Addr().Is4() {
		return nil, fmt.Errorf("cluster CIDR %s: only IPv4 is supported", cluster)
	}
	if mask < cluster.Bits() || mask > 32 {
		return nil, fmt.Errorf("node CIDR mask size %d does not fit in cluster CIDR %s", mask, cluster)
	}
	if mask-cluster.Bits() > 24 {
		return nil, fmt.Errorf("node CIDR mask size %d gives too many subnets of %s", mask, cluster)
	}
	a4 := cluster.Addr().As4()
	return &allocator{
		base: binary.BigEndian.Uint32(a4[:]), shift: uint(32 - mask), size: 1 << (mask - cluster.Bits()),
		mask: mask, used: make([]bool, 1<<(mask-cluster.Bits())), byNode: map[string]int{}, cluster: cluster,
	}, nil
}

func (a *allocator) prefix(i int) netip.Prefix {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], a.base+uint32(i)<<a.shift)
	return netip.PrefixFrom(netip.AddrFrom4(b), a.mask)
}

// index returns the subnet number of cidr, or false when it is not one of ours.
func (a *allocator) index(cidr string) (int, bool) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() || p.Bits() != a.mask || !a.cluster.Contains(p.Addr()) {
		return 0, false
	}
	b := p.Masked().Addr().As4()
	return int((binary.BigEndian.Uint32(b[:]) - a.base) >> a.shift), true
}

// occupy records that node holds cidr; it reports false for a foreign CIDR.
func (a *allocator) occupy(node, cidr string) bool {
	i, ok := a.index(cidr)
	if !ok {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.used[i] = true
	a.byNode[node] = i
	return true
}

// allocate takes the next free subnet for node (the same one if it has one).
func (a *allocator) allocate(node string) (netip.Prefix, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if i, ok := a.byNode[node]; ok {
		return a.prefix(i), nil
	}
	for n := 0; n < a.size; n++ {
		i := (a.next + n) % a.size
		if !a.used[i] {
			a.used[i] = true
			a.byNode[node] = i
			a.next = (i + 1) % a.size
			return a.prefix(i), nil
		}
	}
	return netip.Prefix{}, ErrCIDRRangeFull
}

// release frees node's subnet, if any.
func (a *allocator) release(node string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if i, ok := a.byNode[node]; ok {
		a.used[i] = false
		delete(a.byNode, node)
	}
}

package registry

import (
	"context"
	"fmt"
	"net/netip"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation/field"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/registry/allocator"
	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/storage"
)

// serviceConfig wires the Service allocators into the services store.
func (b *builder) serviceConfig(k *kindConfig) {
	k.fieldNames = []string{"spec.clusterIP", "spec.type"}
	k.fields = func(obj runtime.Object) fields.Set {
		s := obj.(*corev1.Service)
		return fields.Set{"spec.clusterIP": s.Spec.ClusterIP, "spec.type": string(s.Spec.Type)}
	}
	k.onCreate = func(ctx context.Context, obj runtime.Object) {
		corev1.NormalizeServiceClusterIPs(obj.(*corev1.Service), nil)
	}
	k.onUpdate = func(ctx context.Context, obj, old runtime.Object) {
		svc, o := obj.(*corev1.Service), old.(*corev1.Service)
		keepAllocatedValues(svc, o)
		dropTypeDependentFields(svc, o)
		corev1.NormalizeServiceClusterIPs(svc, o)
	}
	// The health check node port is allocated right after validation, as
	// in Kubernetes, so an unset one is not an error here.
	k.filterErrors = func(errs field.ErrorList) field.ErrorList {
		out := errs[:0]
		for _, e := range errs {
			if e.Type == field.ErrorTypeRequired && e.Field == "spec.healthCheckNodePort" {
				continue
			}
			out = append(out, e)
		}
		return out
	}
	k.customize = func(s *generic.Store) {
		a := &serviceAllocs{ips: b.out.ClusterIPs, ports: b.out.NodePorts}
		s.Hooks = generic.Hooks{
			BeginCreate: func(ctx context.Context, obj runtime.Object, dryRun bool) (func(bool), error) {
				return a.begin(ctx, obj.(*corev1.Service), nil, dryRun)
			},
			BeginUpdate: func(ctx context.Context, obj, old runtime.Object, dryRun bool) (func(bool), error) {
				return a.begin(ctx, obj.(*corev1.Service), old.(*corev1.Service), dryRun)
			},
			AfterDelete: func(ctx context.Context, obj runtime.Object) {
				a.release(ctx, obj.(*corev1.Service))
			},
		}
	}
}

// keepAllocatedValues fills in the allocated values a replacing client left
// out (a PUT of the original manifest): cluster IPs, node ports matched by
// port name when not used by another port, and the health check port.
func keepAllocatedValues(svc, old *corev1.Service) {
	if needsClusterIP(old) && needsClusterIP(svc) {
		if svc.Spec.ClusterIP == "" {
			svc.Spec.ClusterIP = old.Spec.ClusterIP
		}
		if len(svc.Spec.ClusterIPs) == 0 && len(old.Spec.ClusterIPs) > 0 && svc.Spec.ClusterIP == old.Spec.ClusterIP {
			svc.Spec.ClusterIPs = old.Spec.ClusterIPs
		}
		if len(svc.Spec.IPFamilies) == 0 {
			svc.Spec.IPFamilies = old.Spec.IPFamilies
		}
		if svc.Spec.IPFamilyPolicy == nil {
			svc.Spec.IPFamilyPolicy = old.Spec.IPFamilyPolicy
		}
	}
	if needsNodePorts(old) && needsNodePorts(svc) {
		inNew := map[int32]bool{}
		for _, p := range svc.Spec.Ports {
			if p.NodePort != 0 {
				inNew[p.NodePort] = true
			}
		}
		byName := map[string]int32{}
		for _, p := range old.Spec.Ports {
			byName[p.Name] = p.NodePort
		}
		for i := range svc.Spec.Ports {
			p := &svc.Spec.Ports[i]
			if p.NodePort != 0 {
				continue
			}
			if v := byName[p.Name]; v != 0 && !inNew[v] {
				p.NodePort = v
				inNew[v] = true
			}
		}
	}
	if needsHealthCheckPort(old) && needsHealthCheckPort(svc) && svc.Spec.HealthCheckNodePort == 0 {
		svc.Spec.HealthCheckNodePort = old.Spec.HealthCheckNodePort
	}
}

// dropTypeDependentFields clears, on a type change, the fields the new type
// may not have when the client left them as they were (Kubernetes does the
// same so that `kubectl edit` of the type alone works).
func dropTypeDependentFields(svc, old *corev1.Service) {
	if svc.Spec.Type == old.Spec.Type {
		return
	}
	if needsNodePorts(old) && !needsNodePorts(svc) && svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		for i := range svc.Spec.Ports {
			if i < len(old.Spec.Ports) && svc.Spec.Ports[i].NodePort == old.Spec.Ports[i].NodePort {
				svc.Spec.Ports[i].NodePort = 0
			}
		}
	}
	external := svc.Spec.Type == corev1.ServiceTypeNodePort || svc.Spec.Type == corev1.ServiceTypeLoadBalancer
	if !external && svc.Spec.ExternalTrafficPolicy == old.Spec.ExternalTrafficPolicy {
		svc.Spec.ExternalTrafficPolicy = ""
	}
	if !needsHealthCheckPort(svc) && svc.Spec.HealthCheckNodePort == old.Spec.HealthCheckNodePort {
		svc.Spec.HealthCheckNodePort = 0
	}
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		if ptrEqual(svc.Spec.AllocateLoadBalancerNodePorts, old.Spec.AllocateLoadBalancerNodePorts) {
			svc.Spec.AllocateLoadBalancerNodePorts = nil
		}
		if ptrEqual(svc.Spec.LoadBalancerClass, old.Spec.LoadBalancerClass) {
			svc.Spec.LoadBalancerClass = nil
		}
	}
	if svc.Spec.Type == corev1.ServiceTypeExternalName && svc.Spec.ClusterIP == old.Spec.ClusterIP {
		svc.Spec.ClusterIP, svc.Spec.ClusterIPs = "", nil
		svc.Spec.IPFamilies, svc.Spec.IPFamilyPolicy = nil, nil
	}
}

func ptrEqual[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// initAllocators builds the Service allocators (before the services store).
func (b *builder) initAllocators() error {
	ipStore := b.out.stores[gr("networking.k8s.io", "ipaddresses")]
	if ipStore == nil {
		return fmt.Errorf("registry: the ipaddresses resource is required for Service IP allocation")
	}
	ips, err := allocator.NewIPAllocator(b.ctx, b.cfg.ServiceClusterIPRange, ipStore.Storage, ipStore.KeyRoot,
		func() string { return string(generic.NewUUID()) })
	if err != nil {
		return err
	}
	ports, err := allocator.NewPortAllocator(b.cfg.ServiceNodePortRange)
	if err != nil {
		return err
	}
	b.out.ClusterIPs, b.out.NodePorts = ips, ports
	return nil
}

// finishServices repairs the allocators from the stored Services.
func (b *builder) finishServices() error {
	svcStore := b.out.stores[gr("", "services")]
	if svcStore == nil || b.out.ClusterIPs == nil {
		return nil
	}
	res, err := svcStore.Storage.GetList(b.ctx, svcStore.KeyRoot, storage.ListOptions{Recursive: true})
	if err != nil {
		return fmt.Errorf("registry: list services: %w", err)
	}
	var svcs []*corev1.Service
	for _, o := range res.Items {
		svc := o.(*corev1.Service)
		svcs = append(svcs, svc)
		for _, p := range svc.Spec.Ports {
			if p.NodePort != 0 && b.out.NodePorts.Contains(int(p.NodePort)) {
				_ = b.out.NodePorts.Allocate(int(p.NodePort), false)
			}
		}
		if hc := int(svc.Spec.HealthCheckNodePort); hc != 0 && b.out.NodePorts.Contains(hc) {
			_ = b.out.NodePorts.Allocate(hc, false)
		}
	}
	if err := b.out.ClusterIPs.Repair(b.ctx, svcs); err != nil {
		return fmt.Errorf("registry: repair service IPs: %w", err)
	}
	return nil
}

// serviceAllocs allocates and frees the IPs and ports of Services.
type serviceAllocs struct {
	ips   *allocator.IPAllocator
	ports *allocator.PortAllocator
}

// svcTx records what one write allocated (freed on failure) and what it
// gives up (freed on success).
type svcTx struct {
	newIPs, oldIPs     []netip.Addr
	newPorts, oldPorts []int
}

func needsClusterIP(s *corev1.Service) bool { return s.Spec.Type != corev1.ServiceTypeExternalName }

func needsNodePorts(s *corev1.Service) bool {
	switch s.Spec.Type {
	case corev1.ServiceTypeNodePort:
		return true
	case corev1.ServiceTypeLoadBalancer:
		return s.Spec.AllocateLoadBalancerNodePorts == nil || *s.Spec.AllocateLoadBalancerNodePorts
	}
	return false
}

func needsHealthCheckPort(s *corev1.Service) bool {
	return s.Spec.Type == corev1.ServiceTypeLoadBalancer && s.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal
}

// parsedIPs returns the service's cluster IPs that parse.
func parsedIPs(s *corev1.Service) []netip.Addr {
	var out []netip.Addr
	for _, v := range s.Spec.ClusterIPs {
		if ip, err := netip.ParseAddr(v); err == nil {
			out = append(out, ip)
		}
	}
	return out
}

func (a *serviceAllocs) invalid(s *corev1.Service, errs field.ErrorList) error {
	return apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("Service").GroupKind(), s.Name, errs)
}

// begin allocates what svc needs beyond old (nil on create).
func (a *serviceAllocs) begin(ctx context.Context, svc, old *corev1.Service, dryRun bool) (func(bool), error) {
	tx := &svcTx{}
	finish := func(ok bool) {
		if ok {
			for _, ip := range tx.oldIPs {
				_ = a.ips.Release(context.WithoutCancel(ctx), ip)
			}
			for _, p := range tx.oldPorts {
				a.ports.Release(p)
			}
			return
		}
		for _, ip := range tx.newIPs {
			_ = a.ips.Release(context.WithoutCancel(ctx), ip)
		}
		for _, p := range tx.newPorts {
			a.ports.Release(p)
		}
	}
	if err := a.allocIPs(ctx, svc, old, dryRun, tx); err != nil {
		finish(false)
		return nil, err
	}
	if err := a.allocPorts(svc, old, dryRun, tx); err != nil {
		finish(false)
		return nil, err
	}
	return finish, nil
}

func (a *serviceAllocs) allocIPs(ctx context.Context, svc, old *corev1.Service, dryRun bool, tx *svcTx) error {
	var oldIPs []netip.Addr
	if old != nil && needsClusterIP(old) {
		oldIPs = parsedIPs(old)
	}
	if !needsClusterIP(svc) {
		tx.oldIPs = append(tx.oldIPs, oldIPs...)
		return nil
	}
	if svc.Spec.IPFamilyPolicy == nil {
		p := corev1.IPFamilyPolicySingleStack
		svc.Spec.IPFamilyPolicy = &p
	}
	if len(svc.Spec.IPFamilies) == 0 {
		svc.Spec.IPFamilies = []corev1.IPFamily{a.ips.Family()}
	}
	if len(oldIPs) > 0 || (old != nil && needsClusterIP(old) && old.Spec.ClusterIP == corev1.ClusterIPNone) {
		// Cluster IPs are immutable once set; validation guards changes.
		return nil
	}
	if svc.Spec.ClusterIP == corev1.ClusterIPNone || (len(svc.Spec.ClusterIPs) > 0 && svc.Spec.ClusterIPs[0] == corev1.ClusterIPNone) {
		svc.Spec.ClusterIP = corev1.ClusterIPNone
		svc.Spec.ClusterIPs = []string{corev1.ClusterIPNone}
		return nil
	}
	path := field.NewPath("spec", "clusterIPs")
	if len(svc.Spec.ClusterIPs) == 0 {
		ip, err := a.ips.AllocateNext(ctx, svc, dryRun)
		if err != nil {
			return a.invalid(svc, field.ErrorList{field.Invalid(path, svc.Spec.ClusterIPs, fmt.Sprintf("failed to allocate a serviceIP: %v", err))})
		}
		if !dryRun {
			tx.newIPs = append(tx.newIPs, ip)
		}
		svc.Spec.ClusterIP = ip.String()
		svc.Spec.ClusterIPs = []string{ip.String()}
		return nil
	}
	ip, err := netip.ParseAddr(svc.Spec.ClusterIPs[0])
	if err != nil {
		return a.invalid(svc, field.ErrorList{field.Invalid(path, svc.Spec.ClusterIPs, "must be a valid IP address")})
	}
	if err := a.ips.Allocate(ctx, ip, svc, dryRun); err != nil {
		return a.invalid(svc, field.ErrorList{field.Invalid(path, svc.Spec.ClusterIPs, fmt.Sprintf("failed to allocate IP %s: %v", ip, err))})
	}
	if !dryRun {
		tx.newIPs = append(tx.newIPs, ip)
	}
	svc.Spec.ClusterIP = ip.String()
	return nil
}

func (a *serviceAllocs) allocPorts(svc, old *corev1.Service, dryRun bool, tx *svcTx) error {
	oldPorts := map[int32]bool{}
	var oldHC int32
	if old != nil {
		for _, p := range old.Spec.Ports {
			if p.NodePort != 0 {
				oldPorts[p.NodePort] = true
			}
		}
		oldHC = old.Spec.HealthCheckNodePort
	}
	kept := map[int32]bool{}
	var errs field.ErrorList
	auto := needsNodePorts(svc)
	explicitOK := auto || svc.Spec.Type == corev1.ServiceTypeLoadBalancer
	for i := range svc.Spec.Ports {
		p := &svc.Spec.Ports[i]
		path := field.NewPath("spec", "ports").Index(i).Child("nodePort")
		switch {
		case p.NodePort != 0 && !explicitOK:
			if oldPorts[p.NodePort] {
				// Type changed away from NodePort: drop the kept value.
				p.NodePort = 0
				continue
			}
		case p.NodePort != 0:
			if oldPorts[p.NodePort] || kept[p.NodePort] {
				kept[p.NodePort] = true
				continue
			}
			if err := a.ports.Allocate(int(p.NodePort), dryRun); err != nil {
				errs = append(errs, field.Invalid(path, p.NodePort, err.Error()))
				continue
			}
			kept[p.NodePort] = true
			if !dryRun {
				tx.newPorts = append(tx.newPorts, int(p.NodePort))
			}
		case auto:
			n, err := a.ports.AllocateNext(dryRun)
			if err != nil {
				errs = append(errs, field.Invalid(path, p.NodePort, fmt.Sprintf("failed to allocate a nodePort: %v", err)))
				continue
			}
			p.NodePort = int32(n)
			kept[p.NodePort] = true
			if !dryRun {
				tx.newPorts = append(tx.newPorts, n)
			}
		}
	}
	hcPath := field.NewPath("spec", "healthCheckNodePort")
	hc := svc.Spec.HealthCheckNodePort
	switch {
	case !needsHealthCheckPort(svc):
		if hc != 0 && hc == oldHC {
			svc.Spec.HealthCheckNodePort = 0
		}
	case hc != 0 && hc == oldHC:
		kept[hc] = true
	case hc != 0:
		if err := a.ports.Allocate(int(hc), dryRun); err != nil {
			errs = append(errs, field.Invalid(hcPath, hc, err.Error()))
		} else {
			kept[hc] = true
			if !dryRun {
				tx.newPorts = append(tx.newPorts, int(hc))
			}
		}
	default:
		n, err := a.ports.AllocateNext(dryRun)
		if err != nil {
			errs = append(errs, field.Invalid(hcPath, hc, fmt.Sprintf("failed to allocate a nodePort: %v", err)))
		} else {
			svc.Spec.HealthCheckNodePort = int32(n)
			kept[int32(n)] = true
			if !dryRun {
				tx.newPorts = append(tx.newPorts, n)
			}
		}
	}
	if len(errs) > 0 {
		return a.invalid(svc, errs)
	}
	if !dryRun {
		for p := range oldPorts {
			if !kept[p] {
				tx.oldPorts = append(tx.oldPorts, int(p))
			}
		}
		if oldHC != 0 && !kept[oldHC] {
			tx.oldPorts = append(tx.oldPorts, int(oldHC))
		}
	}
	return nil
}

// release frees everything a deleted Service held.
func (a *serviceAllocs) release(ctx context.Context, svc *corev1.Service) {
	ctx = context.WithoutCancel(ctx)
	if needsClusterIP(svc) {
		for _, ip := range parsedIPs(svc) {
			_ = a.ips.Release(ctx, ip)
		}
	}
	for _, p := range svc.Spec.Ports {
		if p.NodePort != 0 {
			a.ports.Release(int(p.NodePort))
		}
	}
	if svc.Spec.HealthCheckNodePort != 0 {
		a.ports.Release(int(svc.Spec.HealthCheckNodePort))
	}
}

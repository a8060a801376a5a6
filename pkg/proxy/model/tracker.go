package model

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	"keel.dev/apimachinery/pkg/types"
)

// TriggerTimeAnnotation is the EndpointSlice annotation carrying the time of
// the change that caused the slice to be written.
const TriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time"

// Config configures a Tracker.
type Config struct {
	// NodeName marks endpoints on this node as local.
	NodeName string
	// Family selects the IP family handled (IPv4 when empty).
	Family corev1.IPFamily
	// Logger receives skipped-input reports; slog.Default() when nil.
	Logger *slog.Logger
}

// Tracker accumulates Service and EndpointSlice events and, on Update,
// folds them into the ServiceMap/EndpointsMap, reporting what changed.
type Tracker struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex
	services map[types.NamespacedName]*corev1.Service
	slices   map[types.NamespacedName]map[string]*discoveryv1.EndpointSlice
	dirty    map[types.NamespacedName]struct{}
	triggers map[types.NamespacedName][]time.Time

	svcMap    ServiceMap
	epMap     EndpointsMap
	portNames map[types.NamespacedName][]ServicePortName
}

// NewTracker returns an empty Tracker.
func NewTracker(cfg Config) *Tracker {
	if cfg.Family == "" {
		cfg.Family = corev1.IPv4Protocol
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Tracker{
		cfg:       cfg,
		log:       log,
		services:  map[types.NamespacedName]*corev1.Service{},
		slices:    map[types.NamespacedName]map[string]*discoveryv1.EndpointSlice{},
		dirty:     map[types.NamespacedName]struct{}{},
		triggers:  map[types.NamespacedName][]time.Time{},
		svcMap:    ServiceMap{},
		epMap:     EndpointsMap{},
		portNames: map[types.NamespacedName][]ServicePortName{},
	}
}

// Family returns the IP family the tracker handles.
func (t *Tracker) Family() corev1.IPFamily { return t.cfg.Family }

// OnServiceUpdate records an add (old nil), update or delete (new nil).
func (t *Tracker) OnServiceUpdate(old, new *corev1.Service) {
	obj := new
	if obj == nil {
		obj = old
	}
	if obj == nil {
		return
	}
	name := types.NamespacedName{Namespace: obj.Namespace, Name: obj.Name}
	t.mu.Lock()
	defer t.mu.Unlock()
	if new == nil {
		delete(t.services, name)
	} else {
		t.services[name] = new
	}
	t.dirty[name] = struct{}{}
}

// OnEndpointSliceUpdate records an add (old nil), update or delete (new nil).
func (t *Tracker) OnEndpointSliceUpdate(old, new *discoveryv1.EndpointSlice) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if old != nil && (new == nil || serviceOf(old) != serviceOf(new)) {
		if svc, ok := t.sliceService(old); ok {
			delete(t.slices[svc], old.Name)
			if len(t.slices[svc]) == 0 {
				delete(t.slices, svc)
			}
			t.dirty[svc] = struct{}{}
		}
	}
	if new == nil {
		return
	}
	svc, ok := t.sliceService(new)
	if !ok {
		return
	}
	if t.slices[svc] == nil {
		t.slices[svc] = map[string]*discoveryv1.EndpointSlice{}
	}
	t.slices[svc][new.Name] = new
	t.dirty[svc] = struct{}{}
	if v, ok := new.Annotations[TriggerTimeAnnotation]; ok {
		if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
			t.triggers[svc] = append(t.triggers[svc], ts)
		}
	}
}

func serviceOf(s *discoveryv1.EndpointSlice) string { return s.Labels[discoveryv1.LabelServiceName] }

// sliceService finds the Service a slice belongs to, logging slices without one.
func (t *Tracker) sliceService(s *discoveryv1.EndpointSlice) (types.NamespacedName, bool) {
	svc := serviceOf(s)
	if svc == "" {
		t.log.Warn("skipping EndpointSlice without service label", "endpointslice", s.Namespace+"/"+s.Name,
			"label", discoveryv1.LabelServiceName)
		return types.NamespacedName{}, false
	}
	return types.NamespacedName{Namespace: s.Namespace, Name: svc}, true
}

// Pending reports whether events arrived since the last Update.
func (t *Tracker) Pending() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.dirty) > 0
}

// StaleEndpoint is a UDP endpoint that stopped receiving traffic of a
// service port; conntrack entries NATed to it must be flushed.
type StaleEndpoint struct {
	Service  *ServicePort
	Endpoint Endpoint
}

// Result is the outcome of one Update.
type Result struct {
	// Services and Endpoints are the complete current state; read-only.
	Services  ServiceMap
	Endpoints EndpointsMap
	// Changed lists services whose ports or endpoints changed.
	Changed map[types.NamespacedName]struct{}
	// TriggerTimes holds EndpointSlice change times per changed service.
	TriggerTimes map[types.NamespacedName][]time.Time
	// StaleUDPServices are UDP service ports that went from no usable
	// endpoints to some: conntrack entries for their addresses are stale.
	StaleUDPServices []*ServicePort
	// StaleUDPEndpoints are UDP endpoints that were removed.
	StaleUDPEndpoints []StaleEndpoint
	// Problems lists input skipped during this Update.
	Problems []Problem
}

// Update folds pending events into the state and reports what changed.
func (t *Tracker) Update() *Result {
	t.mu.Lock()
	defer t.mu.Unlock()
	res := &Result{
		Services:     t.svcMap,
		Endpoints:    t.epMap,
		Changed:      map[types.NamespacedName]struct{}{},
		TriggerTimes: t.triggers,
	}
	for name := range t.dirty {
		ports, eps := t.compute(name, &res.Problems)
		if t.applyService(name, ports, eps, res) {
			res.Changed[name] = struct{}{}
		}
	}
	for _, p := range res.Problems {
		t.log.Warn("skipping malformed proxy input", "object", p.Object, "reason", p.Reason)
	}
	t.dirty = map[types.NamespacedName]struct{}{}
	t.triggers = map[types.NamespacedName][]time.Time{}
	return res
}

// applyService replaces the state of one service and records stale UDP state.
func (t *Tracker) applyService(name types.NamespacedName, ports ServiceMap, eps EndpointsMap, res *Result) bool {
	oldNames := t.portNames[name]
	changed := len(oldNames) != len(ports)
	for _, spn := range oldNames {
		np, ok := ports[spn]
		if !ok || !np.Equal(t.svcMap[spn]) || !slices.Equal(eps[spn], t.epMap[spn]) {
			changed = true
			break
		}
	}
	if !changed {
		return false
	}
	oldUsable := map[ServicePortName]int{}
	for _, spn := range oldNames {
		old := t.svcMap[spn]
		usable := UsableEndpoints(t.epMap[spn], false)
		oldUsable[spn] = len(usable)
		if old.Protocol == corev1.ProtocolUDP {
			keep := map[netip.AddrPort]bool{}
			for _, ep := range UsableEndpoints(eps[spn], false) {
				keep[netip.AddrPortFrom(ep.IP, uint16(ep.Port))] = true
			}
			for _, ep := range usable {
				if !keep[netip.AddrPortFrom(ep.IP, uint16(ep.Port))] {
					res.StaleUDPEndpoints = append(res.StaleUDPEndpoints, StaleEndpoint{Service: old, Endpoint: ep})
				}
			}
		}
		delete(t.svcMap, spn)
		delete(t.epMap, spn)
	}
	names := make([]ServicePortName, 0, len(ports))
	for spn, sp := range ports {
		if sp.Protocol == corev1.ProtocolUDP && len(UsableEndpoints(eps[spn], false)) > 0 {
			if oldUsable[spn] == 0 {
				res.StaleUDPServices = append(res.StaleUDPServices, sp)
			}
		}
		names = append(names, spn)
	}
	for spn, sp := range ports {
		t.svcMap[spn] = sp
		if len(eps[spn]) > 0 {
			t.epMap[spn] = eps[spn]
		}
	}
	slices.SortFunc(names, func(a, b ServicePortName) int { return cmp.Compare(a.String(), b.String()) })
	if len(names) == 0 {
		delete(t.portNames, name)
	} else {
		t.portNames[name] = names
	}
	return true
}

// compute builds the ServicePorts and endpoints of one service from scratch.
func (t *Tracker) compute(name types.NamespacedName, problems *[]Problem) (ServiceMap, EndpointsMap) {
	svc := t.services[name]
	if svc == nil {
		return nil, nil
	}
	ports := t.servicePorts(svc, problems)
	if len(ports) == 0 {
		return nil, nil
	}
	eps := EndpointsMap{}
	matched := map[ServicePortName]bool{}
	sliceNames := make([]string, 0, len(t.slices[name]))
	for n := range t.slices[name] {
		sliceNames = append(sliceNames, n)
	}
	slices.Sort(sliceNames)
	for _, sn := range sliceNames {
		t.addSlice(name, t.slices[name][sn], ports, eps, matched, problems)
	}
	if len(sliceNames) > 0 {
		for spn := range ports {
			if !matched[spn] {
				*problems = append(*problems, Problem{Object: "Service " + name.String(),
					Reason: fmt.Sprintf("port %q (%s) not found in any EndpointSlice", spn.Port, spn.Protocol)})
			}
		}
	}
	for spn, list := range eps {
		slices.SortFunc(list, func(a, b Endpoint) int {
			if c := a.IP.Compare(b.IP); c != 0 {
				return c
			}
			if c := cmp.Compare(a.Port, b.Port); c != 0 {
				return c
			}
			return cmp.Compare(boolRank(b.Ready), boolRank(a.Ready))
		})
		eps[spn] = slices.CompactFunc(list, func(a, b Endpoint) bool { return a.IP == b.IP && a.Port == b.Port })
	}
	return ports, eps
}

package bootstrap

import (
	"context"
	"fmt"
	"net"
	"reflect"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// Storages finds the storage of a resource (registry.Storages implements it).
type Storages interface {
	For(gvr schema.GroupVersionResource, subresource string) (rest.Storage, bool)
}

// Config says what to reconcile.
type Config struct {
	// Storages reach the namespaces, services, endpoints and endpointslices.
	Storages Storages
	// ServiceIP is the kubernetes Service's ClusterIP (the first address of
	// the Service range).
	ServiceIP net.IP
	// AdvertiseAddress and SecurePort are where the Service's endpoints point.
	AdvertiseAddress string
	SecurePort       int
}

// NamespaceDefault is the namespace of the kubernetes Service.
const NamespaceDefault = "default"

// SystemNamespaces are the namespaces every cluster has.
var SystemNamespaces = []string{NamespaceDefault, "kube-system", "kube-public", "kube-node-lease"}

// The kubernetes Service's names.
const (
	ServiceName = "kubernetes"
	PortName    = "https"
	ServicePort = 443
)

var (
	namespaces     = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	services       = schema.GroupVersionResource{Version: "v1", Resource: "services"}
	endpoints      = schema.GroupVersionResource{Version: "v1", Resource: "endpoints"}
	endpointSlices = schema.GroupVersionResource{Group: "discovery.k8s.io", Version: "v1", Resource: "endpointslices"}
	priorityClass  = schema.GroupVersionResource{Group: "scheduling.k8s.io", Version: "v1", Resource: "priorityclasses"}
)

// Run creates the missing system namespaces, the system PriorityClasses
// (when scheduling.k8s.io/v1 is served) and the kubernetes Service,
// Endpoints and EndpointSlice, and repairs their ports and addresses. With a
// loopback advertise address only the Service is written (HasEndpoints).
func Run(ctx context.Context, cfg Config) error {
	for _, ns := range SystemNamespaces {
		if err := ensure(ctx, cfg.Storages, namespaces, "", namespace(ns), nil); err != nil {
			return err
		}
	}
	if err := ensurePriorityClasses(ctx, cfg.Storages); err != nil {
		return err
	}
	svc := service(cfg)
	err := ensure(ctx, cfg.Storages, services, NamespaceDefault, svc, func(obj runtime.Object) bool {
		cur := obj.(*corev1.Service)
		if reflect.DeepEqual(cur.Spec.Ports, svc.Spec.Ports) {
			return false
		}
		cur.Spec.Ports = svc.Spec.Ports
		return true
	})
	if err != nil {
		return err
	}
	if !HasEndpoints(cfg.AdvertiseAddress) {
		return nil
	}
	ep := endpointsObject(cfg)
	err = ensure(ctx, cfg.Storages, endpoints, NamespaceDefault, ep, func(obj runtime.Object) bool {
		cur := obj.(*corev1.Endpoints)
		if reflect.DeepEqual(cur.Subsets, ep.Subsets) {
			return false
		}
		cur.Subsets = ep.Subsets
		return true
	})
	if err != nil {
		return err
	}
	slice := endpointSlice(cfg)
	return ensure(ctx, cfg.Storages, endpointSlices, NamespaceDefault, slice, func(obj runtime.Object) bool {
		cur := obj.(*discoveryv1.EndpointSlice)
		if reflect.DeepEqual(cur.Endpoints, slice.Endpoints) && reflect.DeepEqual(cur.Ports, slice.Ports) &&
			cur.Labels[discoveryv1.LabelServiceName] == ServiceName {
			return false
		}
		cur.Endpoints, cur.Ports = slice.Endpoints, slice.Ports
		if cur.Labels == nil {
			cur.Labels = map[string]string{}
		}
		cur.Labels[discoveryv1.LabelServiceName] = ServiceName
		return true
	})
}

// ensurePriorityClasses creates system-node-critical and
// system-cluster-critical when they are missing. An existing class is left
// alone: validation forbids changing its value, and its other fields are
// the operator's. Without a scheduling.k8s.io/v1 storage (disabled by
// --runtime-config) there is nothing to do.
func ensurePriorityClasses(ctx context.Context, st Storages) error {
	if _, ok := st.For(priorityClass, ""); !ok {
		return nil
	}
	for _, pc := range schedulingv1.SystemPriorityClasses() {
		pc.TypeMeta = metav1.TypeMeta{APIVersion: "scheduling.k8s.io/v1", Kind: "PriorityClass"}
		policy := corev1.PreemptLowerPriority
		pc.PreemptionPolicy = &policy
		if err := ensure(ctx, st, priorityClass, "", pc, nil); err != nil {
			return err
		}
	}
	return nil
}

// HasEndpoints reports whether the kubernetes Service gets Endpoints and an
// EndpointSlice for this advertise address: not for a loopback or
// unspecified one, which endpoint validation refuses (and which no other
// host could reach).
func HasEndpoints(advertiseAddress string) bool {
	ip := net.ParseIP(advertiseAddress)
	return ip != nil && !ip.IsLoopback() && !ip.IsUnspecified()
}

// ensure creates want when it is missing; when it exists and repair is not
// nil, repair is applied to a copy and the copy stored if repair reports a
// change.
func ensure(ctx context.Context, st Storages, gvr schema.GroupVersionResource, ns string, want runtime.Object, repair func(runtime.Object) bool) error {
	s, ok := st.For(gvr, "")
	if !ok {
		return fmt.Errorf("no storage for %s", gvr.GroupResource())
	}
	getter, ok1 := s.(rest.Getter)
	creater, ok2 := s.(rest.Creater)
	if !ok1 || !ok2 {
		return fmt.Errorf("storage of %s cannot get and create", gvr.GroupResource())
	}
	name := want.(metav1.Object).GetName()
	ctx = rest.WithNamespace(ctx, ns)
	cur, err := getter.Get(ctx, name, &metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		_, err = creater.Create(ctx, want, &metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create %s %q: %w", gvr.GroupResource(), name, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("get %s %q: %w", gvr.GroupResource(), name, err)
	}
	if repair == nil || !repair(cur.DeepCopyObject()) {
		return nil
	}
	updater, ok := s.(rest.Updater)
	if !ok {
		return fmt.Errorf("storage of %s cannot update", gvr.GroupResource())
	}
	_, _, err = updater.Update(ctx, name, rest.UpdateFunc(func(_ context.Context, old runtime.Object) (runtime.Object, error) {
		if old == nil {
			return want, nil
		}
		obj := old.DeepCopyObject()
		repair(obj)
		return obj, nil
	}), &metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update %s %q: %w", gvr.GroupResource(), name, err)
	}
	return nil
}

func namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: name},
	}
}

func service(cfg Config) *corev1.Service {
	ip := cfg.ServiceIP.String()
	return &corev1.Service{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{
			Name: ServiceName, Namespace: NamespaceDefault,
			Labels: map[string]string{"component": "apiserver", "provider": "kubernetes"},
		},
		Spec: corev1.ServiceSpec{
			Type:            corev1.ServiceTypeClusterIP,
			ClusterIP:       ip,
			ClusterIPs:      []string{ip},
			SessionAffinity: corev1.ServiceAffinityNone,
			Ports: []corev1.ServicePort{{
				Name: PortName, Protocol: corev1.ProtocolTCP, Port: ServicePort,
				TargetPort: intstr.FromInt32(int32(cfg.SecurePort)),
			}},
		},
	}
}

func endpointsObject(cfg Config) *corev1.Endpoints {
	return &corev1.Endpoints{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Endpoints"},
		ObjectMeta: metav1.ObjectMeta{
			Name: ServiceName, Namespace: NamespaceDefault,
			Labels: map[string]string{"endpointslice.kubernetes.io/skip-mirror": "true"},
		},
		Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: cfg.AdvertiseAddress}},
			Ports:     []corev1.EndpointPort{{Name: PortName, Port: int32(cfg.SecurePort), Protocol: corev1.ProtocolTCP}},
		}},
	}
}

func endpointSlice(cfg Config) *discoveryv1.EndpointSlice {
	ready := true
	name, proto, port := PortName, corev1.ProtocolTCP, int32(cfg.SecurePort)
	addrType := discoveryv1.AddressTypeIPv4
	if ip := net.ParseIP(cfg.AdvertiseAddress); ip != nil && ip.To4() == nil {
		addrType = discoveryv1.AddressTypeIPv6
	}
	return &discoveryv1.EndpointSlice{
		TypeMeta: metav1.TypeMeta{APIVersion: "discovery.k8s.io/v1", Kind: "EndpointSlice"},
		ObjectMeta: metav1.ObjectMeta{
			Name: ServiceName, Namespace: NamespaceDefault,
			Labels: map[string]string{discoveryv1.LabelServiceName: ServiceName},
		},
		AddressType: addrType,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{cfg.AdvertiseAddress}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
		Ports:       []discoveryv1.EndpointPort{{Name: &name, Protocol: &proto, Port: &port}},
	}
}

package v1

import (
	"fmt"
	"reflect"
	"testing"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
)

// mismatch describes a difference between want and got, or returns "".
func mismatch(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return fmt.Sprintf("want %+v\n got %+v", want, got)
}

func TestSetDefaultsService(t *testing.T) {
	tests := []struct {
		name string
		in   ServiceSpec
		want ServiceSpec
	}{
		{
			name: "an empty service becomes a ClusterIP service without affinity",
			in:   ServiceSpec{Ports: []ServicePort{{Port: 80}}},
			want: ServiceSpec{
				Type:                  ServiceTypeClusterIP,
				SessionAffinity:       ServiceAffinityNone,
				InternalTrafficPolicy: ptrTo(ServiceInternalTrafficPolicyCluster),
				Ports:                 []ServicePort{{Port: 80, Protocol: ProtocolTCP, TargetPort: intstr.FromInt32(80)}},
			},
		},
		{
			name: "a named target port is kept",
			in:   ServiceSpec{Ports: []ServicePort{{Port: 80, Protocol: ProtocolUDP, TargetPort: intstr.FromString("dns")}}},
			want: ServiceSpec{
				Type:                  ServiceTypeClusterIP,
				SessionAffinity:       ServiceAffinityNone,
				InternalTrafficPolicy: ptrTo(ServiceInternalTrafficPolicyCluster),
				Ports:                 []ServicePort{{Port: 80, Protocol: ProtocolUDP, TargetPort: intstr.FromString("dns")}},
			},
		},
		{
			name: "ClientIP affinity gets the three hour timeout",
			in:   ServiceSpec{SessionAffinity: ServiceAffinityClientIP},
			want: ServiceSpec{
				Type:                  ServiceTypeClusterIP,
				SessionAffinity:       ServiceAffinityClientIP,
				SessionAffinityConfig: &SessionAffinityConfig{ClientIP: &ClientIPConfig{TimeoutSeconds: ptrTo(int32(10800))}},
				InternalTrafficPolicy: ptrTo(ServiceInternalTrafficPolicyCluster),
			},
		},
		{
			name: "no affinity drops a stale affinity config",
			in:   ServiceSpec{SessionAffinity: ServiceAffinityNone, SessionAffinityConfig: &SessionAffinityConfig{}},
			want: ServiceSpec{
				Type:                  ServiceTypeClusterIP,
				SessionAffinity:       ServiceAffinityNone,
				InternalTrafficPolicy: ptrTo(ServiceInternalTrafficPolicyCluster),
			},
		},
		{
			name: "a LoadBalancer gets node ports and the Cluster traffic policies",
			in:   ServiceSpec{Type: ServiceTypeLoadBalancer},
			want: ServiceSpec{
				Type:                          ServiceTypeLoadBalancer,
				SessionAffinity:               ServiceAffinityNone,
				ExternalTrafficPolicy:         ServiceExternalTrafficPolicyCluster,
				InternalTrafficPolicy:         ptrTo(ServiceInternalTrafficPolicyCluster),
				AllocateLoadBalancerNodePorts: ptrTo(true),
			},
		},
		{
			name: "a ClusterIP service with external IPs gets an external traffic policy",
			in:   ServiceSpec{ExternalIPs: []string{"1.2.3.4"}},
			want: ServiceSpec{
				Type:                  ServiceTypeClusterIP,
				SessionAffinity:       ServiceAffinityNone,
				ExternalIPs:           []string{"1.2.3.4"},
				ExternalTrafficPolicy: ServiceExternalTrafficPolicyCluster,
				InternalTrafficPolicy: ptrTo(ServiceInternalTrafficPolicyCluster),
			},
		},
		{
			name: "an ExternalName service gets no traffic policies",
			in:   ServiceSpec{Type: ServiceTypeExternalName, ExternalName: "example.com"},
			want: ServiceSpec{Type: ServiceTypeExternalName, ExternalName: "example.com", SessionAffinity: ServiceAffinityNone},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &Service{Spec: tc.in}
			SetObjectDefaults_Service(svc)
			if diff := mismatch(tc.want, svc.Spec); diff != "" {
				t.Errorf("spec mismatch \n%s", diff)
			}
		})
	}
}

func TestSetDefaultsServiceGivesLoadBalancerIngressIPsTheVIPMode(t *testing.T) {
	svc := &Service{Spec: ServiceSpec{Type: ServiceTypeLoadBalancer}}
	svc.Status.LoadBalancer.Ingress = []LoadBalancerIngress{{IP: "1.2.3.4"}, {Hostname: "lb.example.com"}}
	SetObjectDefaults_Service(svc)
	if m := svc.Status.LoadBalancer.Ingress[0].IPMode; m == nil || *m != LoadBalancerIPModeVIP {
		t.Errorf("ipMode of IP ingress = %v, want VIP", m)
	}
	if m := svc.Status.LoadBalancer.Ingress[1].IPMode; m != nil {
		t.Errorf("ipMode of hostname ingress = %v, want unset", *m)
	}
}

func TestSetDefaultsOfTheOtherKinds(t *testing.T) {
	tests := []struct {
		name  string
		obj   any
		apply func(any)
		check func(t *testing.T, obj any)
	}{
		{
			name:  "a secret without a type is Opaque and stringData lands in data",
			obj:   &Secret{StringData: map[string]string{"user": "admin"}},
			apply: func(o any) { SetObjectDefaults_Secret(o.(*Secret)) },
			check: func(t *testing.T, o any) {
				s := o.(*Secret)
				if s.Type != SecretTypeOpaque || string(s.Data["user"]) != "admin" || s.StringData != nil {
					t.Errorf("got type %q data %v stringData %v", s.Type, s.Data, s.StringData)
				}
			},
		},
		{
			name:  "a named namespace is labelled with its name and is Active",
			obj:   &Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
			apply: func(o any) { SetObjectDefaults_Namespace(o.(*Namespace)) },
			check: func(t *testing.T, o any) {
				ns := o.(*Namespace)
				if ns.Labels[LabelMetadataName] != "team-a" || ns.Status.Phase != NamespaceActive {
					t.Errorf("got labels %v phase %q", ns.Labels, ns.Status.Phase)
				}
				if len(ns.Spec.Finalizers) != 0 {
					t.Errorf("defaulting added finalizers %v; only PrepareNamespaceForCreate may", ns.Spec.Finalizers)
				}
			},
		},
		{
			name:  "a persistent volume is Pending, Retain and Filesystem",
			obj:   &PersistentVolume{},
			apply: func(o any) { SetObjectDefaults_PersistentVolume(o.(*PersistentVolume)) },
			check: func(t *testing.T, o any) {
				pv := o.(*PersistentVolume)
				if pv.Status.Phase != VolumePending || pv.Spec.PersistentVolumeReclaimPolicy != PersistentVolumeReclaimRetain ||
					pv.Spec.VolumeMode == nil || *pv.Spec.VolumeMode != PersistentVolumeFilesystem {
					t.Errorf("got %+v", pv.Spec)
				}
			},
		},
		{
			name: "RBD and iSCSI sources of a persistent volume get their driver defaults",
			obj: &PersistentVolume{Spec: PersistentVolumeSpec{PersistentVolumeSource: PersistentVolumeSource{
				RBD: &RBDPersistentVolumeSource{}, ISCSI: &ISCSIPersistentVolumeSource{}}}},
			apply: func(o any) { SetObjectDefaults_PersistentVolume(o.(*PersistentVolume)) },
			check: func(t *testing.T, o any) {
				src := o.(*PersistentVolume).Spec.PersistentVolumeSource
				if src.RBD.RBDPool != "rbd" || src.RBD.RadosUser != "admin" || src.RBD.Keyring != "/etc/ceph/keyring" || src.ISCSI.ISCSIInterface != "default" {
					t.Errorf("got rbd %+v iscsi %+v", src.RBD, src.ISCSI)
				}
			},
		},
		{
			name:  "a claim is Pending with a Filesystem volume mode",
			obj:   &PersistentVolumeClaim{},
			apply: func(o any) { SetObjectDefaults_PersistentVolumeClaim(o.(*PersistentVolumeClaim)) },
			check: func(t *testing.T, o any) {
				pvc := o.(*PersistentVolumeClaim)
				if pvc.Status.Phase != ClaimPending || pvc.Spec.VolumeMode == nil || *pvc.Spec.VolumeMode != PersistentVolumeFilesystem {
					t.Errorf("got phase %q mode %v", pvc.Status.Phase, pvc.Spec.VolumeMode)
				}
			},
		},
		{
			name: "a replication controller takes selector and labels from its template and runs one replica",
			obj: &ReplicationController{Spec: ReplicationControllerSpec{Template: &PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}}}},
			apply: func(o any) { SetObjectDefaults_ReplicationController(o.(*ReplicationController)) },
			check: func(t *testing.T, o any) {
				rc := o.(*ReplicationController)
				if rc.Spec.Selector["app"] != "web" || rc.Labels["app"] != "web" || rc.Spec.Replicas == nil || *rc.Spec.Replicas != 1 {
					t.Errorf("got selector %v labels %v replicas %v", rc.Spec.Selector, rc.Labels, rc.Spec.Replicas)
				}
				if rc.Spec.Template.Spec.RestartPolicy != RestartPolicyAlways {
					t.Errorf("template restartPolicy = %q, want pod spec defaults applied", rc.Spec.Template.Spec.RestartPolicy)
				}
			},
		},
		{
			name: "a replication controller keeps an explicit selector and replica count",
			obj: &ReplicationController{Spec: ReplicationControllerSpec{Replicas: ptrTo(int32(0)), Selector: map[string]string{"tier": "x"},
				Template: &PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"tier": "x", "app": "web"}}}}},
			apply: func(o any) { SetObjectDefaults_ReplicationController(o.(*ReplicationController)) },
			check: func(t *testing.T, o any) {
				rc := o.(*ReplicationController)
				if len(rc.Spec.Selector) != 1 || *rc.Spec.Replicas != 0 {
					t.Errorf("got selector %v replicas %d", rc.Spec.Selector, *rc.Spec.Replicas)
				}
			},
		},
		{
			name:  "endpoint ports default to TCP",
			obj:   &Endpoints{Subsets: []EndpointSubset{{Ports: []EndpointPort{{Port: 53}, {Port: 53, Protocol: ProtocolUDP}}}}},
			apply: func(o any) { SetObjectDefaults_Endpoints(o.(*Endpoints)) },
			check: func(t *testing.T, o any) {
				ports := o.(*Endpoints).Subsets[0].Ports
				if ports[0].Protocol != ProtocolTCP || ports[1].Protocol != ProtocolUDP {
					t.Errorf("got %+v", ports)
				}
			},
		},
		{
			name:  "a node without allocatable gets its capacity",
			obj:   &Node{Status: NodeStatus{Capacity: ResourceList{ResourceCPU: resource.MustParse("4")}}},
			apply: func(o any) { SetObjectDefaults_Node(o.(*Node)) },
			check: func(t *testing.T, o any) {
				q := o.(*Node).Status.Allocatable[ResourceCPU]
				if q.String() != "4" {
					t.Errorf("allocatable cpu = %q, want 4", q.String())
				}
			},
		},
		{
			name: "a container limit range item fills default and defaultRequest from max and min",
			obj: &LimitRange{Spec: LimitRangeSpec{Limits: []LimitRangeItem{{
				Type: LimitTypeContainer,
				Max:  ResourceList{ResourceCPU: resource.MustParse("2")},
				Min:  ResourceList{ResourceMemory: resource.MustParse("64Mi")},
			}}}},
			apply: func(o any) { SetObjectDefaults_LimitRange(o.(*LimitRange)) },
			check: func(t *testing.T, o any) {
				item := o.(*LimitRange).Spec.Limits[0]
				def, req, mem := item.Default[ResourceCPU], item.DefaultRequest[ResourceCPU], item.DefaultRequest[ResourceMemory]
				if def.String() != "2" || req.String() != "2" || mem.String() != "64Mi" {
					t.Errorf("default %v defaultRequest %v", item.Default, item.DefaultRequest)
				}
			},
		},
		{
			name: "a Pod limit range item gets no defaults",
			obj: &LimitRange{Spec: LimitRangeSpec{Limits: []LimitRangeItem{{
				Type: LimitTypePod, Max: ResourceList{ResourceCPU: resource.MustParse("2")}}}}},
			apply: func(o any) { SetObjectDefaults_LimitRange(o.(*LimitRange)) },
			check: func(t *testing.T, o any) {
				item := o.(*LimitRange).Spec.Limits[0]
				if item.Default != nil || item.DefaultRequest != nil {
					t.Errorf("default %v defaultRequest %v", item.Default, item.DefaultRequest)
				}
			},
		},
		{
			name:  "quota amounts are rounded up to milli precision",
			obj:   &ResourceQuota{Spec: ResourceQuotaSpec{Hard: ResourceList{ResourceCPU: resource.MustParse("0.0001")}}},
			apply: func(o any) { SetObjectDefaults_ResourceQuota(o.(*ResourceQuota)) },
			check: func(t *testing.T, o any) {
				q := o.(*ResourceQuota).Spec.Hard[ResourceCPU]
				if q.String() != "1m" {
					t.Errorf("hard cpu = %q, want 1m", q.String())
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.apply(tc.obj)
			tc.check(t, tc.obj)
		})
	}
}

func TestPrepareNamespaceForCreateAddsTheKubernetesFinalizerOnce(t *testing.T) {
	tests := []struct {
		name string
		in   []FinalizerName
		want []FinalizerName
	}{
		{"no finalizers get kubernetes", nil, []FinalizerName{FinalizerKubernetes}},
		{"other finalizers are kept", []FinalizerName{"example.com/x"}, []FinalizerName{"example.com/x", FinalizerKubernetes}},
		{"kubernetes is not added twice", []FinalizerName{FinalizerKubernetes}, []FinalizerName{FinalizerKubernetes}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns := &Namespace{Spec: NamespaceSpec{Finalizers: tc.in}, Status: NamespaceStatus{Phase: NamespaceTerminating}}
			PrepareNamespaceForCreate(ns)
			if diff := mismatch(tc.want, ns.Spec.Finalizers); diff != "" {
				t.Errorf("finalizers \n%s", diff)
			}
			if ns.Status.Phase != NamespaceActive {
				t.Errorf("phase = %q, want Active", ns.Status.Phase)
			}
		})
	}
}

func TestNormalizeServiceClusterIPs(t *testing.T) {
	svc := func(ip string, ips ...string) *Service {
		return &Service{Spec: ServiceSpec{ClusterIP: ip, ClusterIPs: ips}}
	}
	tests := []struct {
		name string
		new  *Service
		old  *Service
		want []string
	}{
		{"an old client's clusterIP is copied on create", svc("10.0.0.1"), nil, []string{"10.0.0.1"}},
		{"headless on create becomes clusterIPs None", svc(ClusterIPNone), nil, []string{ClusterIPNone}},
		{"a patch that drops clusterIPs keeps the stored ones", svc("10.0.0.1"), svc("10.0.0.1", "10.0.0.1", "fd00::1"), []string{"10.0.0.1", "fd00::1"}},
		{"clearing clusterIP clears unchanged clusterIPs", svc("", "10.0.0.1"), svc("10.0.0.1", "10.0.0.1"), nil},
		{"changing clusterIP alone rewrites clusterIPs", svc("10.0.0.2", "10.0.0.1"), svc("10.0.0.1", "10.0.0.1"), []string{"10.0.0.2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			NormalizeServiceClusterIPs(tc.new, tc.old)
			if diff := mismatch(tc.want, tc.new.Spec.ClusterIPs); diff != "" {
				t.Errorf("clusterIPs \n%s", diff)
			}
		})
	}
}

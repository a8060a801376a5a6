package printers

import (
	"testing"
	"time"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/intstr"

	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	eventsv1 "keel.dev/api/events/v1"
	networkingv1 "keel.dev/api/networking/v1"
	policyv1 "keel.dev/api/policy/v1"
	rbacv1 "keel.dev/api/rbac/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	storagev1 "keel.dev/api/storage/v1"
)

func TestNetworkingGoldenRows(t *testing.T) {
	rules := func(hosts ...string) []networkingv1.IngressRule {
		out := make([]networkingv1.IngressRule, len(hosts))
		for i, h := range hosts {
			out[i] = networkingv1.IngressRule{Host: h}
		}
		return out
	}
	runGolden(t, []goldenCase{
		{"an ingress shows class, hosts, sorted addresses and ports", networking("ingresses"),
			&networkingv1.Ingress{ObjectMeta: meta("web", time.Minute),
				Spec: networkingv1.IngressSpec{IngressClassName: ptr("nginx"), Rules: rules("a.example.com", "", "b.example.com"), TLS: []networkingv1.IngressTLS{{SecretName: "tls"}}},
				Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{Ingress: []networkingv1.IngressLoadBalancerIngress{
					{IP: "10.0.0.9"}, {Hostname: "lb.example.com"}, {IP: "10.0.0.1"}}}}},
			[]any{"web", "nginx", "a.example.com,b.example.com", "10.0.0.1,10.0.0.9,lb.example.com", "80, 443", "60s"}},
		{"an ingress with many rules summarizes hosts", networking("ingresses"),
			&networkingv1.Ingress{ObjectMeta: meta("many", time.Minute), Spec: networkingv1.IngressSpec{Rules: rules("a", "b", "c", "d", "e")}},
			[]any{"many", "<none>", "a,b,c + 2 more...", "", "80", "60s"}},
		{"an ingress without hosts shows *", networking("ingresses"),
			&networkingv1.Ingress{ObjectMeta: meta("any", time.Minute)},
			[]any{"any", "<none>", "*", "", "80", "60s"}},
		{"an ingress class names its parameters", networking("ingressclasses"),
			&networkingv1.IngressClass{ObjectMeta: meta("nginx", time.Minute), Spec: networkingv1.IngressClassSpec{Controller: "k8s.io/ingress-nginx",
				Parameters: &networkingv1.IngressClassParametersReference{APIGroup: ptr("k8s.example.com"), Kind: "IngressParameters", Name: "external-lb"}}},
			[]any{"nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb", "60s"}},
		{"an ingress class without parameters shows <none>", networking("ingressclasses"),
			&networkingv1.IngressClass{ObjectMeta: meta("plain", time.Minute), Spec: networkingv1.IngressClassSpec{Controller: "c"}},
			[]any{"plain", "c", "<none>", "60s"}},
		{"a network policy shows its pod selector", networking("networkpolicies"),
			&networkingv1.NetworkPolicy{ObjectMeta: meta("deny", time.Minute), Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"role": "db"}}}},
			[]any{"deny", "role=db", "60s"}},
		{"a network policy selecting all pods shows <none>", networking("networkpolicies"),
			&networkingv1.NetworkPolicy{ObjectMeta: meta("all", time.Minute)},
			[]any{"all", "<none>", "60s"}},
		{"an IP address names its parent", networking("ipaddresses"),
			&networkingv1.IPAddress{ObjectMeta: metav1.ObjectMeta{Name: "10.96.0.1"}, Spec: networkingv1.IPAddressSpec{ParentRef: &networkingv1.ParentReference{Resource: "services", Namespace: "default", Name: "kubernetes"}}},
			[]any{"10.96.0.1", "services/default/kubernetes", "<unknown>"}},
		{"a service CIDR lists its ranges", networking("servicecidrs"),
			&networkingv1.ServiceCIDR{ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", CreationTimestamp: ago(17 * time.Minute)}, Spec: networkingv1.ServiceCIDRSpec{CIDRs: []string{"10.96.0.0/28", "fd00::/108"}}},
			[]any{"kubernetes", "10.96.0.0/28,fd00::/108", "17m"}},
	})
}

func TestStorageGoldenRows(t *testing.T) {
	retain := corev1.PersistentVolumeReclaimRetain
	wait := storagev1.VolumeBindingWaitForFirstConsumer
	runGolden(t, []goldenCase{
		{"a default storage class is marked and shows its policies", storage("storageclasses"),
			&storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "standard", CreationTimestamp: ago(time.Minute), Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
				Provisioner: "rancher.io/local-path", ReclaimPolicy: &retain, VolumeBindingMode: &wait, AllowVolumeExpansion: ptr(true)},
			[]any{"standard (default)", "rancher.io/local-path", "Retain", "WaitForFirstConsumer", true, "60s"}},
		{"a storage class without policies shows the defaults", storage("storageclasses"),
			&storagev1.StorageClass{ObjectMeta: meta("slow", time.Minute), Provisioner: "p"},
			[]any{"slow", "p", "Delete", "Immediate", false, "60s"}},
		{"a CSI driver shows its flags and modes", storage("csidrivers"),
			&storagev1.CSIDriver{ObjectMeta: meta("csi.example.com", time.Minute), Spec: storagev1.CSIDriverSpec{
				AttachRequired: ptr(false), PodInfoOnMount: ptr(true), TokenRequests: []storagev1.TokenRequest{{Audience: "a"}, {Audience: "b"}},
				VolumeLifecycleModes: []storagev1.VolumeLifecycleMode{storagev1.VolumeLifecyclePersistent, storagev1.VolumeLifecycleEphemeral}}},
			[]any{"csi.example.com", false, true, false, "a,b", false, "Persistent,Ephemeral", "60s"}},
		{"a CSI driver without settings shows the defaults", storage("csidrivers"),
			&storagev1.CSIDriver{ObjectMeta: meta("d", time.Minute)},
			[]any{"d", true, false, false, "<unset>", false, "<none>", "60s"}},
		{"a CSI node counts its drivers", storage("csinodes"),
			&storagev1.CSINode{ObjectMeta: meta("n1", time.Minute), Spec: storagev1.CSINodeSpec{Drivers: []storagev1.CSINodeDriver{{Name: "a"}, {Name: "b"}}}},
			[]any{"n1", int64(2), "60s"}},
		{"a storage capacity shows class and capacity", storage("csistoragecapacities"),
			&storagev1.CSIStorageCapacity{ObjectMeta: meta("cap", time.Minute), StorageClassName: "fast", Capacity: ptr(resource.MustParse("100Gi"))},
			[]any{"cap", "fast", "100Gi"}},
		{"a volume attachment shows attacher, volume and node", storage("volumeattachments"),
			&storagev1.VolumeAttachment{ObjectMeta: meta("va", time.Minute), Spec: storagev1.VolumeAttachmentSpec{Attacher: "csi.example.com", NodeName: "n1",
				Source: storagev1.VolumeAttachmentSource{PersistentVolumeName: ptr("pv1")}}, Status: storagev1.VolumeAttachmentStatus{Attached: true}},
			[]any{"va", "csi.example.com", "pv1", "n1", true, "60s"}},
		{"a volume attributes class shows its driver", storage("volumeattributesclasses"),
			&storagev1.VolumeAttributesClass{ObjectMeta: meta("gold", time.Minute), DriverName: "csi.example.com"},
			[]any{"gold", "csi.example.com", "60s"}},
		{"a default volume attributes class is marked", storage("volumeattributesclasses"),
			&storagev1.VolumeAttributesClass{ObjectMeta: metav1.ObjectMeta{Name: "silver", CreationTimestamp: ago(time.Minute),
				Annotations: map[string]string{"volumeattributesclass.alpha.kubernetes.io/is-default-class": "true"}}, DriverName: "d"},
			[]any{"silver (default)", "d", "60s"}},
	})
}

func TestRBACGoldenRows(t *testing.T) {
	created := metav1.Time{Time: time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)}
	subjects := []rbacv1.Subject{
		{Kind: rbacv1.UserKind, Name: "alice"}, {Kind: rbacv1.GroupKind, Name: "devs"}, {Kind: rbacv1.UserKind, Name: "bob"},
		{Kind: rbacv1.ServiceAccountKind, Namespace: "kube-system", Name: "builder"},
	}
	runGolden(t, []goldenCase{
		{"a role shows its creation time", rbac("roles"), &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "r", CreationTimestamp: created}}, []any{"r", "2026-11-20T08:30:00Z"}},
		{"a cluster role shows its creation time", rbac("clusterroles"), &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "admin", CreationTimestamp: created}}, []any{"admin", "2026-11-20T08:30:00Z"}},
		{"a role binding lists its subjects by kind", rbac("rolebindings"),
			&rbacv1.RoleBinding{ObjectMeta: meta("rb", time.Minute), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "edit"}, Subjects: subjects},
			[]any{"rb", "ClusterRole/edit", "60s", "alice, bob", "devs", "kube-system/builder"}},
		{"a cluster role binding without subjects leaves them blank", rbac("clusterrolebindings"),
			&rbacv1.ClusterRoleBinding{ObjectMeta: meta("crb", time.Minute), RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "view"}},
			[]any{"crb", "ClusterRole/view", "60s", "", "", ""}},
	})
	table := convert(t, rbac("roles"), &rbacv1.Role{})
	if diff := shapes(table.ColumnDefinitions); diff[1] != (columnShape{"Created At", "date", "", 0}) {
		t.Errorf("roles second column = %+v, want Created At of type date", diff[1])
	}
}

func TestMiscGoldenRows(t *testing.T) {
	policy := corev1.PreemptLowerPriority
	slicePorts := []discoveryv1.EndpointPort{{Port: ptr(int32(80))}, {Name: ptr("metrics")}, {}, {Port: ptr(int32(9090))}}
	runGolden(t, []goldenCase{
		{"a lease shows its holder", schema.GroupResource{Group: "coordination.k8s.io", Resource: "leases"},
			&coordinationv1.Lease{ObjectMeta: meta("kube-scheduler", time.Minute), Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr("node-1_abc")}},
			[]any{"kube-scheduler", "node-1_abc", "60s"}},
		{"a lease without holder shows nothing", schema.GroupResource{Group: "coordination.k8s.io", Resource: "leases"},
			&coordinationv1.Lease{ObjectMeta: meta("free", time.Minute)},
			[]any{"free", "", "60s"}},
		{"a budget with minAvailable shows N/A for maxUnavailable", schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"},
			&policyv1.PodDisruptionBudget{ObjectMeta: meta("pdb", time.Minute), Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: ptr(intstr.FromString("50%"))},
				Status: policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: 1}},
			[]any{"pdb", "50%", "N/A", int64(1), "60s"}},
		{"a budget with maxUnavailable shows N/A for minAvailable", schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"},
			&policyv1.PodDisruptionBudget{ObjectMeta: meta("pdb2", time.Minute), Spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: ptr(intstr.FromInt32(1))}},
			[]any{"pdb2", "N/A", "1", int64(0), "60s"}},
		{"a priority class shows value, default flag and preemption policy", schema.GroupResource{Group: "scheduling.k8s.io", Resource: "priorityclasses"},
			&schedulingv1.PriorityClass{ObjectMeta: meta("system-node-critical", time.Minute), Value: 2000001000, PreemptionPolicy: &policy},
			[]any{"system-node-critical", int64(2000001000), false, "60s", "PreemptLowerPriority"}},
		{"a priority class without preemption policy leaves it blank", schema.GroupResource{Group: "scheduling.k8s.io", Resource: "priorityclasses"},
			&schedulingv1.PriorityClass{ObjectMeta: meta("low", time.Minute), Value: -5, GlobalDefault: true},
			[]any{"low", int64(-5), true, "60s", ""}},
		{"an endpoint slice summarizes ports and addresses", schema.GroupResource{Group: "discovery.k8s.io", Resource: "endpointslices"},
			&discoveryv1.EndpointSlice{ObjectMeta: meta("web-x1", time.Minute), AddressType: discoveryv1.AddressTypeIPv4, Ports: slicePorts,
				Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1", "10.0.0.2"}}, {Addresses: []string{"10.0.0.3"}}, {Addresses: []string{"10.0.0.4"}}}},
			[]any{"web-x1", "IPv4", "80,metrics,* + 1 more...", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "60s"}},
		{"an empty endpoint slice shows <unset>", schema.GroupResource{Group: "discovery.k8s.io", Resource: "endpointslices"},
			&discoveryv1.EndpointSlice{ObjectMeta: meta("empty", time.Minute), AddressType: discoveryv1.AddressTypeIPv6},
			[]any{"empty", "IPv6", "<unset>", "<unset>", "60s"}},
		{"an events.k8s.io event prints like a core event", schema.GroupResource{Group: "events.k8s.io", Resource: "events"},
			&eventsv1.Event{ObjectMeta: meta("p1.1", time.Hour), EventTime: metav1.MicroTime{Time: testNow.Add(-time.Minute)},
				Series:    &eventsv1.EventSeries{Count: 3, LastObservedTime: metav1.MicroTime{Time: testNow.Add(-10 * time.Second)}},
				Regarding: corev1.ObjectReference{Kind: "Pod", Name: "p1"}, Reason: "BackOff", Note: "Back-off restarting", Type: "Warning",
				ReportingController: "kubelet", ReportingInstance: "node-1"},
			[]any{"10s", "Warning", "BackOff", "pod/p1", "", "kubelet, node-1", "Back-off restarting", "60s", int64(3), "p1.1"}},
	})
}

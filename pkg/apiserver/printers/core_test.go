package printers

import (
	"testing"
	"time"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
)

func meta(name string, age time.Duration) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: "ns", CreationTimestamp: ago(age)}
}

func TestCoreGoldenRows(t *testing.T) {
	readyNode := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "n1", CreationTimestamp: ago(50 * time.Hour), Labels: map[string]string{
			"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/worker": "", "kubernetes.io/role": "infra", "node-role.kubernetes.io/": "x",
		}},
		Status: corev1.NodeStatus{
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse}, {Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
			Addresses:  []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: "n1"}, {Type: corev1.NodeInternalIP, Address: "10.0.0.1"}, {Type: corev1.NodeInternalIP, Address: "10.0.0.2"}},
			NodeInfo:   corev1.NodeSystemInfo{KubeletVersion: "v1.32.4", OSImage: "Debian GNU/Linux 13", KernelVersion: "6.12.0", ContainerRuntimeVersion: "containerd://2.1.0"},
		},
	}
	cordoned := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "n2", CreationTimestamp: ago(time.Minute)},
		Spec:       corev1.NodeSpec{Unschedulable: true},
		Status:     corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionUnknown}}},
	}
	noConditions := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n3", CreationTimestamp: ago(time.Minute)}, Spec: corev1.NodeSpec{Unschedulable: true}}

	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	clusterIP := &corev1.Service{ObjectMeta: meta("web", 5*time.Minute), Spec: corev1.ServiceSpec{
		Type: corev1.ServiceTypeClusterIP, ClusterIP: "10.96.0.10", ClusterIPs: []string{"10.96.0.10", "fd00::a"},
		Ports:    []corev1.ServicePort{{Port: 80, Protocol: tcp}, {Port: 53, Protocol: udp}},
		Selector: map[string]string{"app": "web", "tier": "fe"},
	}}
	nodePort := &corev1.Service{ObjectMeta: meta("np", 5*time.Minute), Spec: corev1.ServiceSpec{
		Type: corev1.ServiceTypeNodePort, ClusterIPs: []string{"10.96.0.11"}, ExternalIPs: []string{"1.2.3.4", "5.6.7.8"},
		Ports: []corev1.ServicePort{{Port: 80, NodePort: 30080, Protocol: tcp}},
	}}
	pendingLB := &corev1.Service{ObjectMeta: meta("lb", time.Minute), Spec: corev1.ServiceSpec{
		Type: corev1.ServiceTypeLoadBalancer, ClusterIPs: []string{"10.96.0.12"}, Ports: []corev1.ServicePort{{Port: 443, NodePort: 31443, Protocol: tcp}},
	}}
	readyLB := pendingLB.DeepCopy()
	readyLB.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{Hostname: "lb.example.com"}, {IP: "203.0.113.9"}, {IP: "203.0.113.1"}}
	readyLB.Spec.ExternalIPs = []string{"9.9.9.9"}
	external := &corev1.Service{ObjectMeta: meta("ext", time.Minute), Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "db.example.com"}}
	headless := &corev1.Service{ObjectMeta: meta("hl", time.Minute), Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "None", ClusterIPs: []string{"None"}}}

	addrs := func(ips ...string) []corev1.EndpointAddress {
		out := make([]corev1.EndpointAddress, len(ips))
		for i, ip := range ips {
			out[i] = corev1.EndpointAddress{IP: ip}
		}
		return out
	}
	manyEndpoints := &corev1.Endpoints{ObjectMeta: meta("many", time.Minute), Subsets: []corev1.EndpointSubset{
		{Addresses: addrs("10.0.0.1", "10.0.0.2"), Ports: []corev1.EndpointPort{{Name: "http", Port: 80}, {Name: "https", Port: 443}}},
		{Addresses: addrs("fd00::1"), Ports: []corev1.EndpointPort{{Port: 8080}}},
	}}
	twoEndpoints := &corev1.Endpoints{ObjectMeta: meta("two", time.Minute), Subsets: []corev1.EndpointSubset{
		{Addresses: addrs("10.0.0.1", "10.0.0.2"), Ports: []corev1.EndpointPort{{Port: 80}}},
	}}
	portless := &corev1.Endpoints{ObjectMeta: meta("portless", time.Minute), Subsets: []corev1.EndpointSubset{{Addresses: addrs("10.0.0.1")}}}
	notReady := &corev1.Endpoints{ObjectMeta: meta("notready", time.Minute), Subsets: []corev1.EndpointSubset{
		{NotReadyAddresses: addrs("10.0.0.1"), Ports: []corev1.EndpointPort{{Port: 80}}},
	}}

	runGolden(t, []goldenCase{
		{"a namespace shows its phase", core("namespaces"),
			&corev1.Namespace{ObjectMeta: meta("demo", 3*time.Hour+5*time.Minute), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}},
			[]any{"demo", "Terminating", "3h5m"}},
		{"a ready node lists its sorted roles and first internal IP", core("nodes"), readyNode,
			[]any{"n1", "Ready", "control-plane,infra,worker", "2d2h", "v1.32.4", "10.0.0.1", "<none>", "Debian GNU/Linux 13", "6.12.0", "containerd://2.1.0"}},
		{"a cordoned node with an unknown Ready condition is NotReady,SchedulingDisabled", core("nodes"), cordoned,
			[]any{"n2", "NotReady,SchedulingDisabled", "<none>", "60s", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"}},
		{"a node without conditions is Unknown", core("nodes"), noConditions,
			[]any{"n3", "Unknown,SchedulingDisabled", "<none>", "60s", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"}},
		{"a ClusterIP service shows its first cluster IP and ports", core("services"), clusterIP,
			[]any{"web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "5m", "app=web,tier=fe"}},
		{"a NodePort service shows node ports and external IPs", core("services"), nodePort,
			[]any{"np", "NodePort", "10.96.0.11", "1.2.3.4,5.6.7.8", "80:30080/TCP", "5m", "<none>"}},
		{"a LoadBalancer service without ingress is pending", core("services"), pendingLB,
			[]any{"lb", "LoadBalancer", "10.96.0.12", "<pending>", "443:31443/TCP", "60s", "<none>"}},
		{"a LoadBalancer service lists sorted ingress addresses then external IPs", core("services"), readyLB,
			[]any{"lb", "LoadBalancer", "10.96.0.12", "203.0.113.1,203.0.113.9,lb.example.com,9.9.9.9", "443:31443/TCP", "60s", "<none>"}},
		{"an ExternalName service shows the name", core("services"), external,
			[]any{"ext", "ExternalName", "<none>", "db.example.com", "<none>", "60s", "<none>"}},
		{"a headless service shows None", core("services"), headless,
			[]any{"hl", "ClusterIP", "None", "<none>", "<none>", "60s", "<none>"}},
		{"endpoints beyond three are summarized", core("endpoints"), manyEndpoints,
			[]any{"many", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...", "60s"}},
		{"two endpoints are listed", core("endpoints"), twoEndpoints, []any{"two", "10.0.0.1:80,10.0.0.2:80", "60s"}},
		{"endpoints without ports list bare addresses", core("endpoints"), portless, []any{"portless", "10.0.0.1", "60s"}},
		{"endpoints with only unready addresses are blank", core("endpoints"), notReady, []any{"notready", "", "60s"}},
		{"endpoints without subsets are <none>", core("endpoints"), &corev1.Endpoints{ObjectMeta: meta("e", time.Minute)}, []any{"e", "<none>", "60s"}},
		{"a configmap counts data and binary data", core("configmaps"),
			&corev1.ConfigMap{ObjectMeta: meta("cm", 9*24*time.Hour), Data: map[string]string{"a": "1"}, BinaryData: map[string][]byte{"b": nil}},
			[]any{"cm", int64(2), "9d"}},
		{"a secret shows its type and data count", core("secrets"),
			&corev1.Secret{ObjectMeta: meta("s", time.Minute), Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"a": nil, "b": nil, "c": nil}},
			[]any{"s", "Opaque", int64(3), "60s"}},
		{"a service account counts its secrets", core("serviceaccounts"),
			&corev1.ServiceAccount{ObjectMeta: meta("default", time.Minute), Secrets: []corev1.ObjectReference{{Name: "t"}}},
			[]any{"default", int64(1), "60s"}},
		{"a pod template shows containers, images and labels", core("podtemplates"),
			&corev1.PodTemplate{ObjectMeta: meta("pt", time.Minute), Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "a", Image: "ia"}, {Name: "b", Image: "ib"}}},
			}},
			[]any{"pt", "a,b", "ia,ib", "app=x"}},
		{"a replication controller shows replica counts", core("replicationcontrollers"),
			&corev1.ReplicationController{ObjectMeta: meta("rc", time.Minute),
				Spec: corev1.ReplicationControllerSpec{Replicas: ptr(int32(3)), Selector: map[string]string{"app": "rc"}, Template: &corev1.PodTemplateSpec{
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "img"}}}}},
				Status: corev1.ReplicationControllerStatus{Replicas: 2, ReadyReplicas: 1}},
			[]any{"rc", int64(3), int64(2), int64(1), "60s", "c", "img", "app=rc"}},
		{"a limit range shows its creation time", core("limitranges"),
			&corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "lr", CreationTimestamp: metav1.Time{Time: time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)}}},
			[]any{"lr", "2026-11-26T18:00:00Z"}},
		{"a healthy component status shows its message", core("componentstatuses"),
			&corev1.ComponentStatus{ObjectMeta: metav1.ObjectMeta{Name: "etcd-0"}, Conditions: []corev1.ComponentCondition{{Type: corev1.ComponentHealthy, Status: corev1.ConditionTrue, Message: "ok"}}},
			[]any{"etcd-0", "Healthy", "ok", ""}},
		{"an unhealthy component status shows its error", core("componentstatuses"),
			&corev1.ComponentStatus{ObjectMeta: metav1.ObjectMeta{Name: "scheduler"}, Conditions: []corev1.ComponentCondition{{Type: corev1.ComponentHealthy, Status: corev1.ConditionFalse, Error: "refused"}}},
			[]any{"scheduler", "Unhealthy", "", "refused"}},
	})
}

func TestCoreStorageAndQuotaGoldenRows(t *testing.T) {
	fs := corev1.PersistentVolumeFilesystem
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "pv1", CreationTimestamp: ago(time.Hour)},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod, corev1.ReadWriteMany, corev1.ReadWriteOnce, corev1.ReadWriteOnce},
			ClaimRef:                      &corev1.ObjectReference{Namespace: "ns", Name: "data"},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			StorageClassName:              "fast",
			VolumeMode:                    &fs,
		},
		Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeBound},
	}
	released := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "pv2", CreationTimestamp: ago(time.Hour), DeletionTimestamp: agoPtr(time.Second),
			Annotations: map[string]string{corev1.BetaStorageClassAnnotation: "legacy"}},
		Spec: corev1.PersistentVolumeSpec{
			AccessModes:               []corev1.PersistentVolumeAccessMode{corev1.ReadOnlyMany},
			StorageClassName:          "ignored",
			VolumeAttributesClassName: ptr("gold"),
		},
		Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeFailed, Reason: "Oops"},
	}
	bound := &corev1.PersistentVolumeClaim{
		ObjectMeta: meta("data", 2*time.Hour),
		Spec: corev1.PersistentVolumeClaimSpec{
			VolumeName: "pv1", StorageClassName: ptr("fast"), VolumeMode: &fs,
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("5Gi")}},
		},
		Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")}},
	}
	pending := &corev1.PersistentVolumeClaim{
		ObjectMeta: meta("wait", time.Minute),
		Spec: corev1.PersistentVolumeClaimSpec{
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("5Gi")}},
		},
		Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending},
	}
	quota := &corev1.ResourceQuota{
		ObjectMeta: meta("q", time.Minute),
		Status: corev1.ResourceQuotaStatus{
			Hard: corev1.ResourceList{"pods": resource.MustParse("10"), "requests.cpu": resource.MustParse("2"), "limits.memory": resource.MustParse("1Gi"), "limits.cpu": resource.MustParse("4")},
			Used: corev1.ResourceList{"pods": resource.MustParse("3"), "limits.cpu": resource.MustParse("500m")},
		},
	}
	runGolden(t, []goldenCase{
		{"a bound volume shows capacity, modes in fixed order and its claim", core("persistentvolumes"), pv,
			[]any{"pv1", "10Gi", "RWO,RWX,RWOP", "Retain", "Bound", "ns/data", "fast", "<unset>", "", "60m", "Filesystem"}},
		{"a deleted volume is Terminating and takes the beta class annotation", core("persistentvolumes"), released,
			[]any{"pv2", "0", "ROX", "", "Terminating", "", "legacy", "gold", "Oops", "60m", "<unset>"}},
		{"a bound claim shows the volume's capacity and modes", core("persistentvolumeclaims"), bound,
			[]any{"data", "Bound", "pv1", "10Gi", "RWO", "fast", "<unset>", "120m", "Filesystem"}},
		{"a claim with an empty attributes class name shows it empty", core("persistentvolumeclaims"),
			&corev1.PersistentVolumeClaim{ObjectMeta: meta("vac", time.Minute), Spec: corev1.PersistentVolumeClaimSpec{VolumeAttributesClassName: ptr("")}},
			[]any{"vac", "", "", "", "", "", "", "60s", "<unset>"}},
		{"a pending claim leaves volume columns blank", core("persistentvolumeclaims"), pending,
			[]any{"wait", "Pending", "", "", "", "", "<unset>", "60s", "<unset>"}},
		{"a quota splits requests and limits, sorted by name", core("resourcequotas"), quota,
			[]any{"q", "pods: 3/10, requests.cpu: 0/2", "limits.cpu: 500m/4, limits.memory: 0/1Gi", "60s"}},
	})
}

func TestCoreEventRows(t *testing.T) {
	legacy := &corev1.Event{
		ObjectMeta:     meta("p1.1234", time.Hour),
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "p1", FieldPath: "spec.containers{main}"},
		Reason:         "Pulled", Message: "  pulled image  \n", Type: "Normal",
		Source:         corev1.EventSource{Component: "kubelet", Host: "node-1"},
		FirstTimestamp: ago(10 * time.Minute), LastTimestamp: ago(2 * time.Minute), Count: 4,
	}
	modern := &corev1.Event{
		ObjectMeta:     meta("x.1", time.Minute),
		InvolvedObject: corev1.ObjectReference{Kind: "Node"},
		Reason:         "Starting", Type: "Normal",
		EventTime:           metav1.MicroTime{Time: testNow.Add(-30 * time.Second)},
		ReportingController: "kube-proxy", ReportingInstance: "kube-proxy-n1",
	}
	series := modern.DeepCopy()
	series.Series = &corev1.EventSeries{Count: 7, LastObservedTime: metav1.MicroTime{Time: testNow.Add(-5 * time.Second)}}
	runGolden(t, []goldenCase{
		{"a legacy event uses its timestamps, count and source", core("events"), legacy,
			[]any{"2m", "Normal", "Pulled", "pod/p1", "spec.containers{main}", "kubelet, node-1", "pulled image", "10m", int64(4), "p1.1234"}},
		{"a singleton event without first timestamp uses eventTime and counts one", core("events"), modern,
			[]any{"30s", "Normal", "Starting", "node", "", "kube-proxy, kube-proxy-n1", "", "30s", int64(1), "x.1"}},
		{"an event series uses the series count and last observation", core("events"), series,
			[]any{"5s", "Normal", "Starting", "node", "", "kube-proxy, kube-proxy-n1", "", "30s", int64(7), "x.1"}},
	})
}

package v1

import (
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// validationCase runs a validator and expects each of want to appear in
// some error (as "field: Type..." text); no want means no errors.
type validationCase struct {
	name string
	errs func() field.ErrorList
	want []string
}

func runValidationCases(t *testing.T, cases []validationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.errs()
			if len(tc.want) == 0 {
				if len(errs) != 0 {
					t.Fatalf("want no errors, got: %v", errs.ToAggregate())
				}
				return
			}
			var texts []string
			for _, e := range errs {
				texts = append(texts, e.Error())
			}
			all := strings.Join(texts, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("missing error %q in:\n%s", w, all)
				}
			}
		})
	}
}

func meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: "default"}
}

func updated(m metav1.ObjectMeta) metav1.ObjectMeta {
	m.ResourceVersion = "1"
	return m
}

func validService(mutate func(*Service)) *Service {
	svc := &Service{ObjectMeta: meta("web"), Spec: ServiceSpec{Ports: []ServicePort{{Name: "http", Port: 80}}}}
	if mutate != nil {
		mutate(svc)
	}
	SetObjectDefaults_Service(svc)
	NormalizeServiceClusterIPs(svc, nil)
	return svc
}

func TestValidateService(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"a plain ClusterIP service is valid", func() field.ErrorList { return ValidateService(validService(nil)) }, nil},
		{"a headless service needs no ports", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.ClusterIP, s.Spec.Ports = ClusterIPNone, nil }))
		}, nil},
		{"ports are required", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.Ports = nil }))
		}, []string{"spec.ports: Required value"}},
		{"several ports need names", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.Ports = []ServicePort{{Port: 80}, {Port: 443}} }))
		}, []string{"spec.ports[0].name: Required value", "spec.ports[1].name: Required value"}},
		{"port names are unique", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) {
				s.Spec.Ports = []ServicePort{{Name: "p", Port: 80}, {Name: "p", Port: 81}}
			}))
		}, []string{`spec.ports[1].name: Duplicate value: "p"`}},
		{"port 0 is out of range", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.Ports[0].Port = 0 }))
		}, []string{"spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"}},
		{"an unknown type is not supported", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.Type = "Magic" }))
		}, []string{`spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`}},
		{"an ExternalName service needs a name", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.Type = ServiceTypeExternalName }))
		}, []string{"spec.externalName: Required value"}},
		{"an ExternalName service with a trailing dot is valid", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) {
				s.Spec.Type, s.Spec.ExternalName = ServiceTypeExternalName, "db.example.com."
			}))
		}, nil},
		{"a ClusterIP service may not pin a node port", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.Ports[0].NodePort = 30080 }))
		}, []string{"spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"}},
		{"a NodePort service cannot be headless", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.Type, s.Spec.ClusterIP = ServiceTypeNodePort, ClusterIPNone }))
		}, []string{`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`}},
		{"clusterIPs must start with clusterIP", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) {
				s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.0.0.1", []string{"10.0.0.2"}
			}))
		}, []string{"spec.clusterIPs: Invalid value: [\"10.0.0.2\"]: first value must match `clusterIP`"}},
		{"two IPv4 cluster IPs are not dual stack", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) {
				s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.0.0.1", []string{"10.0.0.1", "10.0.0.2"}
			}))
		}, []string{"may specify no more than one IP for each IP family"}},
		{"a ClientIP timeout of zero is invalid", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) {
				s.Spec.SessionAffinity = ServiceAffinityClientIP
				s.Spec.SessionAffinityConfig = &SessionAffinityConfig{ClientIP: &ClientIPConfig{TimeoutSeconds: ptrTo(int32(0))}}
			}))
		}, []string{"spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400"}},
		{"an internal-only service may not set an external traffic policy", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.ExternalTrafficPolicy = ServiceExternalTrafficPolicyLocal }))
		}, []string{`spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services`}},
		{"a LoadBalancer needs allocateLoadBalancerNodePorts", func() field.ErrorList {
			svc := validService(func(s *Service) { s.Spec.Type = ServiceTypeLoadBalancer })
			svc.Spec.AllocateLoadBalancerNodePorts = nil
			return ValidateService(svc)
		}, []string{"allocateLoadBalancerNodePorts: Required value"}},
		{"a Local LoadBalancer needs a health check port", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) {
				s.Spec.Type, s.Spec.ExternalTrafficPolicy = ServiceTypeLoadBalancer, ServiceExternalTrafficPolicyLocal
			}))
		}, []string{"spec.healthCheckNodePort: Required value"}},
		{"loopback external IPs are rejected", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.ExternalIPs = []string{"127.0.0.1"} }))
		}, []string{"spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"}},
		{"an unknown traffic distribution is not supported", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.TrafficDistribution = ptrTo("Anywhere") }))
		}, []string{`spec.trafficDistribution: Unsupported value: "Anywhere"`}},
		{"a loadBalancerClass needs a LoadBalancer", func() field.ErrorList {
			return ValidateService(validService(func(s *Service) { s.Spec.LoadBalancerClass = ptrTo("example.com/lb") }))
		}, []string{"spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"}},
		{"the cluster IP may not change on update", func() field.ErrorList {
			old := validService(func(s *Service) { s.Spec.ClusterIP = "10.0.0.1" })
			old.ObjectMeta = updated(old.ObjectMeta)
			svc := old.DeepCopy()
			svc.Spec.ClusterIP, svc.Spec.ClusterIPs = "10.0.0.2", []string{"10.0.0.2"}
			return ValidateServiceUpdate(svc, old)
		}, []string{"spec.clusterIPs[0]: Invalid value: [\"10.0.0.2\"]: may not change once set"}},
		{"an IP load balancer ingress needs an IP mode", func() field.ErrorList {
			svc := validService(func(s *Service) { s.Spec.Type = ServiceTypeLoadBalancer })
			svc.ObjectMeta = updated(svc.ObjectMeta)
			next := svc.DeepCopy()
			next.Status.LoadBalancer.Ingress = []LoadBalancerIngress{{IP: "1.2.3.4"}}
			return ValidateServiceStatusUpdate(next, svc)
		}, []string{"status.loadBalancer.ingress[0].ipMode: Required value: must be specified when `ip` is set"}},
	})
}

func TestValidateEndpoints(t *testing.T) {
	runValidationCases(t, []validationCase{
		{"a ready address with a port is valid", func() field.ErrorList {
			return ValidateEndpoints(&Endpoints{ObjectMeta: meta("web"), Subsets: []EndpointSubset{{
				Addresses: []EndpointAddress{{IP: "10.1.0.5"}}, Ports: []EndpointPort{{Port: 80, Protocol: ProtocolTCP}}}}})
		}, nil},
		{"a subset needs addresses", func() field.ErrorList {
			return ValidateEndpoints(&Endpoints{ObjectMeta: meta("web"), Subsets: []EndpointSubset{{}}})
		}, []string{"subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"}},
		{"an endpoint IP must be an IP and not loopback", func() field.ErrorList {
			return ValidateEndpoints(&Endpoints{ObjectMeta: meta("web"), Subsets: []EndpointSubset{{
				Addresses: []EndpointAddress{{IP: "127.0.0.1"}, {IP: "nope"}}}}})
		}, []string{"subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range", `subsets[0].addresses[1].ip: Invalid value: "nope"`}},
		{"several endpoint ports need names", func() field.ErrorList {
			return ValidateEndpoints(&Endpoints{ObjectMeta: meta("web"), Subsets: []EndpointSubset{{
				Addresses: []EndpointAddress{{IP: "10.1.0.5"}}, Ports: []EndpointPort{{Port: 80, Protocol: ProtocolTCP}, {Port: 81}}}}})
		}, []string{"subsets[0].ports[0].name: Required value", "subsets[0].ports[1].protocol: Required value"}},
	})
}

func TestValidateConfigMapAndSecret(t *testing.T) {
	tls := func(data map[string][]byte) *Secret {
		return &Secret{ObjectMeta: meta("cert"), Type: SecretTypeTLS, Data: data}
	}
	immutableCM := &ConfigMap{ObjectMeta: updated(meta("cfg")), Immutable: ptrTo(true), Data: map[string]string{"a": "1"}}
	runValidationCases(t, []validationCase{
		{"a config map with dotted keys is valid", func() field.ErrorList {
			return ValidateConfigMap(&ConfigMap{ObjectMeta: meta("cfg"), Data: map[string]string{"app.properties": "x"}})
		}, nil},
		{"config map keys must be config map keys", func() field.ErrorList {
			return ValidateConfigMap(&ConfigMap{ObjectMeta: meta("cfg"), Data: map[string]string{"a b": "x"}})
		}, []string{`data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`}},
		{"a key may not be in both data and binaryData", func() field.ErrorList {
			return ValidateConfigMap(&ConfigMap{ObjectMeta: meta("cfg"), Data: map[string]string{"k": "x"}, BinaryData: map[string][]byte{"k": {1}}})
		}, []string{`data[k]: Invalid value: "k": duplicate of key present in binaryData`}},
		{"a config map may hold at most 1 MiB", func() field.ErrorList {
			return ValidateConfigMap(&ConfigMap{ObjectMeta: meta("cfg"), Data: map[string]string{"big": strings.Repeat("x", MaxSecretSize+1)}})
		}, []string{": Too long: may not be more than 1048576 bytes"}},
		{"an immutable config map keeps its data", func() field.ErrorList {
			next := immutableCM.DeepCopy()
			next.Data["a"] = "2"
			return ValidateConfigMapUpdate(next, immutableCM)
		}, []string{"data: Forbidden: field is immutable when `immutable` is set"}},
		{"a TLS secret needs a key and a certificate", func() field.ErrorList {
			return ValidateSecret(tls(map[string][]byte{TLSCertKey: []byte("c")}))
		}, []string{"data[tls.key]: Required value"}},
		{"a TLS secret with both keys is valid", func() field.ErrorList {
			return ValidateSecret(tls(map[string][]byte{TLSCertKey: []byte("c"), TLSPrivateKeyKey: []byte("k")}))
		}, nil},
		{"a docker config secret must hold JSON", func() field.ErrorList {
			return ValidateSecret(&Secret{ObjectMeta: meta("pull"), Type: SecretTypeDockerConfigJson,
				Data: map[string][]byte{DockerConfigJsonKey: []byte("{nope")}})
		}, []string{`data[.dockerconfigjson]: Invalid value: "<secret contents redacted>"`}},
		{"a token secret names its service account", func() field.ErrorList {
			return ValidateSecret(&Secret{ObjectMeta: meta("tok"), Type: SecretTypeServiceAccountToken})
		}, []string{"metadata.annotations[kubernetes.io/service-account.name]: Required value"}},
		{"a secret's type is immutable", func() field.ErrorList {
			old := &Secret{ObjectMeta: updated(meta("s")), Type: SecretTypeOpaque}
			next := old.DeepCopy()
			next.Type = SecretTypeBasicAuth
			next.Data = map[string][]byte{BasicAuthUsernameKey: []byte("u")}
			return ValidateSecretUpdate(next, old)
		}, []string{`type: Invalid value: "kubernetes.io/basic-auth": field is immutable`}},
	})
}

func TestValidateNamespaceNodeAndServiceAccount(t *testing.T) {
	node := func(mutate func(*Node)) *Node {
		n := &Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}}
		if mutate != nil {
			mutate(n)
		}
		return n
	}
	runValidationCases(t, []validationCase{
		{"a namespace with the kubernetes finalizer is valid", func() field.ErrorList {
			return ValidateNamespace(&Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}, Spec: NamespaceSpec{Finalizers: []FinalizerName{FinalizerKubernetes}}})
		}, nil},
		{"a namespace name is a DNS label", func() field.ErrorList {
			return ValidateNamespace(&Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team.a"}})
		}, []string{`metadata.name: Invalid value: "team.a"`}},
		{"an unqualified unknown finalizer is rejected", func() field.ErrorList {
			return ValidateNamespace(&Namespace{ObjectMeta: metav1.ObjectMeta{Name: "a"}, Spec: NamespaceSpec{Finalizers: []FinalizerName{"custom"}}})
		}, []string{`spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified`}},
		{"a live namespace must be Active", func() field.ErrorList {
			old := &Namespace{ObjectMeta: updated(metav1.ObjectMeta{Name: "a"})}
			next := old.DeepCopy()
			next.Status.Phase = NamespaceTerminating
			return ValidateNamespaceStatusUpdate(next, old)
		}, []string{"status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"}},
		{"a node with tidy taints is valid", func() field.ErrorList {
			return ValidateNode(node(func(n *Node) {
				n.Spec.Taints = []Taint{{Key: "dedicated", Value: "gpu", Effect: TaintEffectNoSchedule}, {Key: "dedicated", Effect: TaintEffectNoExecute}}
				n.Spec.PodCIDRs = []string{"10.244.0.0/24", "fd00::/64"}
			}))
		}, nil},
		{"taints are unique by key and effect", func() field.ErrorList {
			return ValidateNode(node(func(n *Node) {
				n.Spec.Taints = []Taint{{Key: "k", Effect: TaintEffectNoSchedule}, {Key: "k", Value: "v", Effect: TaintEffectNoSchedule}}
			}))
		}, []string{"metadata.taints[1]: Duplicate value: ", "taints must be unique by key and effect pair"}},
		{"a taint needs an effect", func() field.ErrorList {
			return ValidateNode(node(func(n *Node) { n.Spec.Taints = []Taint{{Key: "k"}} }))
		}, []string{"metadata.taints[0].effect: Required value"}},
		{"pod CIDRs hold one range per family", func() field.ErrorList {
			return ValidateNode(node(func(n *Node) { n.Spec.PodCIDRs = []string{"10.244.0.0/24", "10.245.0.0/24"} }))
		}, []string{"spec.podCIDRs: Invalid value: [\"10.244.0.0/24\",\"10.245.0.0/24\"]: may specify no more than one CIDR for each IP family"}},
		{"negative capacity is rejected", func() field.ErrorList {
			return ValidateNode(node(func(n *Node) { n.Status.Capacity = ResourceList{ResourcePods: resource.MustParse("-1")} }))
		}, []string{`status.capacity.pods: Invalid value: "-1": must be greater than or equal to 0`}},
		{"a set provider ID never changes", func() field.ErrorList {
			old := node(func(n *Node) { n.ResourceVersion, n.Spec.ProviderID = "1", "aws:///i-1" })
			next := old.DeepCopy()
			next.Spec.ProviderID = "aws:///i-2"
			return ValidateNodeUpdate(next, old)
		}, []string{"spec.providerID: Forbidden: node updates may not change providerID except from \"\" to valid"}},
		{"a service account name is a DNS subdomain", func() field.ErrorList {
			return ValidateServiceAccount(&ServiceAccount{ObjectMeta: meta("Bad_Name")})
		}, []string{`metadata.name: Invalid value: "Bad_Name"`}},
	})
}

func validPV(mutate func(*PersistentVolume)) *PersistentVolume {
	pv := &PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-1"}, Spec: PersistentVolumeSpec{
		Capacity:               ResourceList{ResourceStorage: resource.MustParse("1Gi")},
		AccessModes:            []PersistentVolumeAccessMode{ReadWriteOnce},
		PersistentVolumeSource: PersistentVolumeSource{HostPath: &HostPathVolumeSource{Path: "/data"}},
	}}
	if mutate != nil {
		mutate(pv)
	}
	SetObjectDefaults_PersistentVolume(pv)
	return pv
}

func validPVC(mutate func(*PersistentVolumeClaim)) *PersistentVolumeClaim {
	pvc := &PersistentVolumeClaim{ObjectMeta: meta("data"), Spec: PersistentVolumeClaimSpec{
		AccessModes: []PersistentVolumeAccessMode{ReadWriteOnce},
		Resources:   VolumeResourceRequirements{Requests: ResourceList{ResourceStorage: resource.MustParse("1Gi")}},
	}}
	if mutate != nil {
		mutate(pvc)
	}
	SetObjectDefaults_PersistentVolumeClaim(pvc)
	return pvc
}

func TestValidatePersistentVolumesAndClaims(t *testing.T) {
	bound := func(size, capacity string) *PersistentVolumeClaim {
		return validPVC(func(c *PersistentVolumeClaim) {
			c.ResourceVersion = "1"
			c.Spec.VolumeName = "pv-1"
			c.Spec.Resources.Requests[ResourceStorage] = resource.MustParse(size)
			c.Status.Phase = ClaimBound
			c.Status.Capacity = ResourceList{ResourceStorage: resource.MustParse(capacity)}
		})
	}
	runValidationCases(t, []validationCase{
		{"a host path volume is valid", func() field.ErrorList { return ValidatePersistentVolume(validPV(nil)) }, nil},
		{"a volume needs a source", func() field.ErrorList {
			return ValidatePersistentVolume(validPV(func(pv *PersistentVolume) { pv.Spec.HostPath = nil }))
		}, []string{"spec: Required value: must specify a volume type"}},
		{"a volume has one source only", func() field.ErrorList {
			return ValidatePersistentVolume(validPV(func(pv *PersistentVolume) {
				pv.Spec.NFS = &NFSVolumeSource{Server: "nfs", Path: "/export"}
			}))
		}, []string{"spec.nfs: Forbidden: may not specify more than 1 volume type"}},
		{"a volume needs access modes and a storage capacity", func() field.ErrorList {
			return ValidatePersistentVolume(validPV(func(pv *PersistentVolume) { pv.Spec.AccessModes, pv.Spec.Capacity = nil, nil }))
		}, []string{"spec.accessModes: Required value", "spec.capacity: Required value", `spec.capacity: Unsupported value: `}},
		{"a local volume needs node affinity", func() field.ErrorList {
			return ValidatePersistentVolume(validPV(func(pv *PersistentVolume) {
				pv.Spec.HostPath, pv.Spec.Local = nil, &LocalVolumeSource{Path: "/mnt/disk"}
			}))
		}, []string{"spec.nodeAffinity: Required value: Local volume requires node affinity"}},
		{"a volume's source is immutable", func() field.ErrorList {
			old := validPV(func(pv *PersistentVolume) { pv.ResourceVersion = "1" })
			next := old.DeepCopy()
			next.Spec.HostPath.Path = "/other"
			return ValidatePersistentVolumeUpdate(next, old)
		}, []string{"spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"}},
		{"a claim is valid with a mode and a size", func() field.ErrorList { return ValidatePersistentVolumeClaim(validPVC(nil)) }, nil},
		{"a claim needs a storage request", func() field.ErrorList {
			return ValidatePersistentVolumeClaim(validPVC(func(c *PersistentVolumeClaim) { c.Spec.Resources.Requests = nil }))
		}, []string{"spec.resources[storage]: Required value"}},
		{"ReadWriteOncePod stands alone", func() field.ErrorList {
			return ValidatePersistentVolumeClaim(validPVC(func(c *PersistentVolumeClaim) {
				c.Spec.AccessModes = []PersistentVolumeAccessMode{ReadWriteOncePod, ReadOnlyMany}
			}))
		}, []string{"spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"}},
		{"a bound claim may grow", func() field.ErrorList {
			return ValidatePersistentVolumeClaimUpdate(bound("2Gi", "1Gi"), bound("1Gi", "1Gi"))
		}, nil},
		{"a bound claim may not shrink below its capacity", func() field.ErrorList {
			return ValidatePersistentVolumeClaimUpdate(bound("1Gi", "2Gi"), bound("2Gi", "2Gi"))
		}, []string{"spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"}},
		{"a claim's access modes are immutable", func() field.ErrorList {
			old := bound("1Gi", "1Gi")
			next := old.DeepCopy()
			next.Spec.AccessModes = []PersistentVolumeAccessMode{ReadWriteMany}
			return ValidatePersistentVolumeClaimUpdate(next, old)
		}, []string{"spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"}},
		{"an unbound claim may be bound to a volume once", func() field.ErrorList {
			old := validPVC(func(c *PersistentVolumeClaim) { c.ResourceVersion = "1" })
			next := old.DeepCopy()
			next.Spec.VolumeName = "pv-1"
			return ValidatePersistentVolumeClaimUpdate(next, old)
		}, nil},
	})
}

func TestValidateQuotasLimitsControllersAndEvents(t *testing.T) {
	quota := func(hard ResourceList, scopes ...ResourceQuotaScope) *ResourceQuota {
		return &ResourceQuota{ObjectMeta: meta("q"), Spec: ResourceQuotaSpec{Hard: hard, Scopes: scopes}}
	}
	rc := func(mutate func(*ReplicationController)) *ReplicationController {
		c := &ReplicationController{ObjectMeta: meta("web"), Spec: ReplicationControllerSpec{
			Template: &PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       PodSpec{Containers: []Container{{Name: "web", Image: "nginx"}}},
			}}}
		SetObjectDefaults_ReplicationController(c)
		if mutate != nil {
			mutate(c)
		}
		return c
	}
	runValidationCases(t, []validationCase{
		{"a quota on standard and object count resources is valid", func() field.ErrorList {
			return ValidateResourceQuota(quota(ResourceList{ResourcePods: resource.MustParse("10"), "count/deployments.apps": resource.MustParse("5")}))
		}, nil},
		{"an unknown unqualified quota resource is rejected", func() field.ErrorList {
			return ValidateResourceQuota(quota(ResourceList{"gpus": resource.MustParse("1")}))
		}, []string{`spec.hard[gpus]: Invalid value: "gpus": must be a standard resource type or fully qualified`, "must be a standard resource for quota"}},
		{"object counts are whole numbers", func() field.ErrorList {
			return ValidateResourceQuota(quota(ResourceList{ResourcePods: resource.MustParse("1500m")}))
		}, []string{`spec.hard[pods]: Invalid value: "1500m": must be an integer`}},
		{"BestEffort and NotBestEffort conflict", func() field.ErrorList {
			return ValidateResourceQuota(quota(ResourceList{ResourcePods: resource.MustParse("1")}, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort))
		}, []string{"spec.scopes: Invalid value: ", "conflicting scopes"}},
		{"a BestEffort quota cannot limit cpu", func() field.ErrorList {
			return ValidateResourceQuota(quota(ResourceList{ResourceCPU: resource.MustParse("1")}, ResourceQuotaScopeBestEffort))
		}, []string{"unsupported scope applied to resource"}},
		{"quota scopes are immutable", func() field.ErrorList {
			old := quota(ResourceList{ResourcePods: resource.MustParse("1")}, ResourceQuotaScopeTerminating)
			old.ResourceVersion = "1"
			next := old.DeepCopy()
			next.Spec.Scopes = []ResourceQuotaScope{ResourceQuotaScopeNotTerminating}
			return ValidateResourceQuotaUpdate(next, old)
		}, []string{`spec.scopes: Invalid value: ["NotTerminating"]: field is immutable`}},
		{"a limit range min may not exceed max", func() field.ErrorList {
			return ValidateLimitRange(&LimitRange{ObjectMeta: meta("lr"), Spec: LimitRangeSpec{Limits: []LimitRangeItem{{
				Type: LimitTypeContainer, Min: ResourceList{ResourceCPU: resource.MustParse("2")}, Max: ResourceList{ResourceCPU: resource.MustParse("1")}}}}})
		}, []string{`spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1`}},
		{"a limit type appears once", func() field.ErrorList {
			return ValidateLimitRange(&LimitRange{ObjectMeta: meta("lr"), Spec: LimitRangeSpec{Limits: []LimitRangeItem{{Type: LimitTypeContainer}, {Type: LimitTypeContainer}}}})
		}, []string{`spec.limits[1].type: Duplicate value: "Container"`}},
		{"a Pod limit has no defaults", func() field.ErrorList {
			return ValidateLimitRange(&LimitRange{ObjectMeta: meta("lr"), Spec: LimitRangeSpec{Limits: []LimitRangeItem{{
				Type: LimitTypePod, Default: ResourceList{ResourceCPU: resource.MustParse("1")}}}}})
		}, []string{"spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"}},
		{"a defaulted replication controller is valid", func() field.ErrorList { return ValidateReplicationController(rc(nil)) }, nil},
		{"the selector must match the template labels", func() field.ErrorList {
			return ValidateReplicationController(rc(func(c *ReplicationController) { c.Spec.Selector = map[string]string{"app": "db"} }))
		}, []string{"spec.template.metadata.labels: Invalid value: ", "`selector` does not match template `labels`"}},
		{"replicas may not be negative", func() field.ErrorList {
			return ValidateReplicationController(rc(func(c *ReplicationController) { c.Spec.Replicas = ptrTo(int32(-1)) }))
		}, []string{"spec.replicas: Invalid value: -1: must be greater than or equal to 0"}},
		{"replication controller pods restart Always", func() field.ErrorList {
			return ValidateReplicationController(rc(func(c *ReplicationController) { c.Spec.Template.Spec.RestartPolicy = RestartPolicyNever }))
		}, []string{`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`}},
		{"an event's namespace matches its object's", func() field.ErrorList {
			return ValidateEvent(&Event{ObjectMeta: meta("e"), InvolvedObject: ObjectReference{Kind: "Pod", Namespace: "other"}})
		}, []string{`involvedObject.namespace: Invalid value: "other": does not match event.namespace`}},
		{"a cluster-scoped object's old-style event may live in default", func() field.ErrorList {
			return ValidateEvent(&Event{ObjectMeta: meta("e"), InvolvedObject: ObjectReference{Kind: "Node", Name: "n"}})
		}, nil},
		{"a new-style event needs its reporter, action and reason", func() field.ErrorList {
			ev := &Event{ObjectMeta: meta("e"), InvolvedObject: ObjectReference{Kind: "Pod", Namespace: "default"}}
			ev.EventTime = metav1.MicroTime{Time: ev.CreationTimestamp.Time.AddDate(2020, 0, 0)}
			return ValidateEvent(ev)
		}, []string{"reportingComponent: Required value", "reportingInstance: Required value", "action: Required value", "reason: Required value"}},
	})
}

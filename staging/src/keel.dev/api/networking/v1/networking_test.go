package v1

import (
	"reflect"
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/internal/testutil"
)

func TestNetworkPolicyDefaults(t *testing.T) {
	tests := []struct {
		name string
		spec NetworkPolicySpec
		want []PolicyType
	}{
		{"a policy without egress rules governs ingress", NetworkPolicySpec{}, []PolicyType{PolicyTypeIngress}},
		{"a policy with egress rules governs both directions", NetworkPolicySpec{Egress: []NetworkPolicyEgressRule{{}}}, []PolicyType{PolicyTypeIngress, PolicyTypeEgress}},
		{"explicit policy types are kept", NetworkPolicySpec{PolicyTypes: []PolicyType{PolicyTypeEgress}}, []PolicyType{PolicyTypeEgress}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			np := &NetworkPolicy{Spec: tt.spec}
			SetObjectDefaults_NetworkPolicy(np)
			if !reflect.DeepEqual(np.Spec.PolicyTypes, tt.want) {
				t.Fatalf("policyTypes = %v, want %v", np.Spec.PolicyTypes, tt.want)
			}
		})
	}
	np := &NetworkPolicy{Spec: NetworkPolicySpec{Ingress: []NetworkPolicyIngressRule{{Ports: []NetworkPolicyPort{{}}}}}}
	SetObjectDefaults_NetworkPolicy(np)
	if p := np.Spec.Ingress[0].Ports[0].Protocol; p == nil || *p != corev1.ProtocolTCP {
		t.Errorf("port protocol = %v, want TCP", p)
	}
}

func TestValidation(t *testing.T) {
	meta := metav1.ObjectMeta{Name: "web", Namespace: "default"}
	prefix := testutil.Ptr(PathTypePrefix)
	backend := IngressBackend{Service: &IngressServiceBackend{Name: "web", Port: ServiceBackendPort{Number: 80}}}
	ingress := func(path string, b IngressBackend) *Ingress {
		return &Ingress{ObjectMeta: meta, Spec: IngressSpec{Rules: []IngressRule{{
			Host:             "example.com",
			IngressRuleValue: IngressRuleValue{HTTP: &HTTPIngressRuleValue{Paths: []HTTPIngressPath{{Path: path, PathType: prefix, Backend: b}}}},
		}}}}
	}
	policyPort := func(p NetworkPolicyPort) *NetworkPolicy {
		return &NetworkPolicy{ObjectMeta: meta, Spec: NetworkPolicySpec{Ingress: []NetworkPolicyIngressRule{{Ports: []NetworkPolicyPort{p}}}}}
	}
	check := func(t *testing.T, errs []string, text string, want []string, detail string) {
		t.Helper()
		if want == nil {
			want = []string{}
		}
		if !reflect.DeepEqual(errs, want) {
			t.Fatalf("errors = %v, want %v (%s)", errs, want, text)
		}
		if detail != "" && !strings.Contains(text, detail) {
			t.Errorf("%q does not mention %q", text, detail)
		}
	}
	t.Run("an ingress with a prefix path is valid", func(t *testing.T) {
		e := ValidateIngressCreate(ingress("/", backend))
		check(t, testutil.Summary(e), "", nil, "")
	})
	t.Run("a prefix path must be absolute", func(t *testing.T) {
		e := ValidateIngressCreate(ingress("api", backend))
		check(t, testutil.Summary(e), e.ToAggregate().Error(), []string{"spec.rules[0].http.paths[0].path: FieldValueInvalid"}, "must be an absolute path")
	})
	t.Run("a backend needs a port", func(t *testing.T) {
		e := ValidateIngressCreate(ingress("/", IngressBackend{Service: &IngressServiceBackend{Name: "web"}}))
		check(t, testutil.Summary(e), e.ToAggregate().Error(), []string{"spec.rules[0].http.paths[0].backend: FieldValueRequired"}, "port name or number is required")
	})
	t.Run("an ingress needs rules or a default backend", func(t *testing.T) {
		e := ValidateIngressCreate(&Ingress{ObjectMeta: meta})
		check(t, testutil.Summary(e), e.ToAggregate().Error(), []string{"spec: FieldValueInvalid"}, "either `defaultBackend` or `rules` must be specified")
	})
	t.Run("an end port below the port is refused", func(t *testing.T) {
		e := ValidateNetworkPolicy(policyPort(NetworkPolicyPort{Port: testutil.Ptr(intstr.FromInt32(8080)), EndPort: testutil.Ptr(int32(80))}))
		check(t, testutil.Summary(e), e.ToAggregate().Error(), []string{"spec.ingress[0].ports[0].endPort: FieldValueInvalid"}, "must be greater than or equal to `port`")
	})
	t.Run("an except range must lie inside the cidr", func(t *testing.T) {
		np := &NetworkPolicy{ObjectMeta: meta, Spec: NetworkPolicySpec{Egress: []NetworkPolicyEgressRule{{To: []NetworkPolicyPeer{{
			IPBlock: &IPBlock{CIDR: "10.0.0.0/16", Except: []string{"10.1.0.0/24"}},
		}}}}}}
		e := ValidateNetworkPolicy(np)
		check(t, testutil.Summary(e), e.ToAggregate().Error(), []string{"spec.egress[0].to[0].ipBlock.except[0]: FieldValueInvalid"}, "must be a strict subset of `cidr`")
	})
	t.Run("an ingress class needs a domain-prefixed controller", func(t *testing.T) {
		e := ValidateIngressClass(&IngressClass{ObjectMeta: metav1.ObjectMeta{Name: "nginx"}, Spec: IngressClassSpec{Controller: "nginx"}})
		check(t, testutil.Summary(e), e.ToAggregate().Error(), []string{"spec.controller: FieldValueInvalid"}, "must be a domain-prefixed path")
	})
}

func TestIPAMValidation(t *testing.T) {
	parent := &ParentReference{Resource: "services", Namespace: "default", Name: "web"}
	tests := []struct {
		name string
		errs func() []string
		want []string
	}{
		{"a canonical address with a parent is valid", func() []string {
			return testutil.Summary(ValidateIPAddress(&IPAddress{ObjectMeta: metav1.ObjectMeta{Name: "10.96.0.10"}, Spec: IPAddressSpec{ParentRef: parent}}))
		}, []string{}},
		{"a non-canonical address name is refused", func() []string {
			return testutil.Summary(ValidateIPAddress(&IPAddress{ObjectMeta: metav1.ObjectMeta{Name: "2001:db8:0::1"}, Spec: IPAddressSpec{ParentRef: parent}}))
		}, []string{"metadata.name: FieldValueInvalid"}},
		{"an address needs a parent", func() []string {
			return testutil.Summary(ValidateIPAddress(&IPAddress{ObjectMeta: metav1.ObjectMeta{Name: "10.96.0.11"}}))
		}, []string{"spec.parentRef: FieldValueRequired"}},
		{"two IPv4 ranges are refused", func() []string {
			return testutil.Summary(ValidateServiceCIDR(&ServiceCIDR{ObjectMeta: metav1.ObjectMeta{Name: "kubernetes"}, Spec: ServiceCIDRSpec{CIDRs: []string{"10.0.0.0/16", "10.1.0.0/16"}}}))
		}, []string{"spec.cidrs: FieldValueInvalid"}},
		{"a single range may gain its second family", func() []string {
			old := &ServiceCIDR{ObjectMeta: metav1.ObjectMeta{Name: "k", ResourceVersion: "1"}, Spec: ServiceCIDRSpec{CIDRs: []string{"10.0.0.0/16"}}}
			upd := old.DeepCopy()
			upd.Spec.CIDRs = append(upd.Spec.CIDRs, "fd00::/108")
			return testutil.Summary(ValidateServiceCIDRUpdate(upd, old))
		}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.errs(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("errors = %v, want %v", got, tt.want)
			}
		})
	}
}

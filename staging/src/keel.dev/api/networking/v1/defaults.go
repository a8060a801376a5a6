package v1

import (
	"keel.dev/apimachinery/pkg/runtime"

	corev1 "keel.dev/api/core/v1"
)

func registerDefaults(s *runtime.Scheme) {
	runtime.AddTypedDefaulter(s, SetObjectDefaults_NetworkPolicy)
	runtime.AddTypedDefaulter(s, func(l *NetworkPolicyList) {
		for i := range l.Items {
			SetObjectDefaults_NetworkPolicy(&l.Items[i])
		}
	})
	runtime.AddTypedDefaulter(s, SetDefaults_IngressClass)
	runtime.AddTypedDefaulter(s, func(l *IngressClassList) {
		for i := range l.Items {
			SetDefaults_IngressClass(&l.Items[i])
		}
	})
}

// SetObjectDefaults_NetworkPolicy defaults the policy types (Ingress, plus
// Egress when egress rules exist) and every port's protocol to TCP.
func SetObjectDefaults_NetworkPolicy(np *NetworkPolicy) {
	spec := &np.Spec
	if len(spec.PolicyTypes) == 0 {
		spec.PolicyTypes = []PolicyType{PolicyTypeIngress}
		if len(spec.Egress) != 0 {
			spec.PolicyTypes = append(spec.PolicyTypes, PolicyTypeEgress)
		}
	}
	for i := range spec.Ingress {
		defaultPorts(spec.Ingress[i].Ports)
	}
	for i := range spec.Egress {
		defaultPorts(spec.Egress[i].Ports)
	}
}

func defaultPorts(ports []NetworkPolicyPort) {
	for i := range ports {
		if ports[i].Protocol == nil {
			p := corev1.ProtocolTCP
			ports[i].Protocol = &p
		}
	}
}

// SetDefaults_IngressClass defaults the parameters scope to Cluster.
func SetDefaults_IngressClass(c *IngressClass) {
	if p := c.Spec.Parameters; p != nil && p.Scope == nil {
		scope := IngressClassParametersReferenceScopeCluster
		p.Scope = &scope
	}
}

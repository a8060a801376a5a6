package v1

import corev1 "keel.dev/api/core/v1"

// SetObjectDefaults_EndpointSlice applies Kubernetes' defaults to a slice:
// every port gets an empty name and the TCP protocol when unset.
func SetObjectDefaults_EndpointSlice(s *EndpointSlice) {
	for i := range s.Ports {
		SetDefaults_EndpointPort(&s.Ports[i])
	}
}

// SetDefaults_EndpointPort defaults a port's name to "" and protocol to TCP.
func SetDefaults_EndpointPort(p *EndpointPort) {
	if p.Name == nil {
		name := ""
		p.Name = &name
	}
	if p.Protocol == nil {
		proto := corev1.ProtocolTCP
		p.Protocol = &proto
	}
}

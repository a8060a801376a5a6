package v1

import (
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/internal/testutil"
)

func slice(t AddressType, addrs ...string) *EndpointSlice {
	s := &EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "web-abc", Namespace: "default"},
		AddressType: t,
		Endpoints:   []Endpoint{{Addresses: addrs}},
		Ports:       []EndpointPort{{Name: testutil.Ptr("http"), Port: testutil.Ptr(int32(80))}},
	}
	SetObjectDefaults_EndpointSlice(s)
	return s
}

func TestEndpointSliceDefaults(t *testing.T) {
	s := &EndpointSlice{Ports: []EndpointPort{{Port: testutil.Ptr(int32(53))}}}
	SetObjectDefaults_EndpointSlice(s)
	p := s.Ports[0]
	if p.Name == nil || *p.Name != "" || p.Protocol == nil || *p.Protocol != corev1.ProtocolTCP {
		t.Fatalf("port = %+v, want empty name and TCP", p)
	}
}

func TestValidateEndpointSlice(t *testing.T) {
	tests := []struct {
		name   string
		slice  *EndpointSlice
		want   []string
		detail string
	}{
		{"an IPv4 slice with a pod address is valid", slice(AddressTypeIPv4, "10.0.0.5"), nil, ""},
		{"an IPv6 address in an IPv4 slice is refused", slice(AddressTypeIPv4, "fd00::1"), []string{"endpoints[0].addresses[0]: FieldValueInvalid"}, "IPv4"},
		{"a loopback address is refused", slice(AddressTypeIPv4, "127.0.0.1"), []string{"endpoints[0].addresses[0]: FieldValueInvalid"}, "loopback"},
		{"an unknown address type is not supported", slice("IPX", "1.2.3.4"), []string{"addressType: FieldValueNotSupported"}, `"FQDN", "IPv4", "IPv6"`},
		{"an endpoint without addresses is refused", slice(AddressTypeIPv4), []string{"endpoints[0].addresses: FieldValueRequired"}, "must contain at least 1 address"},
		{"more than 1000 endpoints are too many", func() *EndpointSlice {
			s := slice(AddressTypeIPv4, "10.0.0.1")
			for len(s.Endpoints) <= maxEndpoints {
				s.Endpoints = append(s.Endpoints, s.Endpoints[0])
			}
			return s
		}(), []string{"endpoints: FieldValueTooMany"}, ""},
		{"duplicate port names are refused", func() *EndpointSlice {
			s := slice(AddressTypeIPv4, "10.0.0.1")
			s.Ports = append(s.Ports, s.Ports[0])
			return s
		}(), []string{"ports[1].name: FieldValueDuplicate"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ExpectErrors(t, ValidateEndpointSlice(tt.slice), tt.want, tt.detail)
		})
	}
}

func TestEndpointSliceAddressTypeIsImmutable(t *testing.T) {
	old := slice(AddressTypeIPv4, "10.0.0.1")
	old.ResourceVersion = "1"
	upd := slice(AddressTypeFQDN, "web.example.com")
	upd.ResourceVersion = "1"
	errs := ValidateEndpointSliceUpdate(upd, old)
	if len(errs) != 1 || errs[0].Field != "addressType" || !strings.Contains(errs[0].Error(), "field is immutable") {
		t.Fatalf("errors = %v", errs)
	}
}

package cloudprovider

import (
	"errors"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/rest"
)

func TestDefaultLoadBalancerName(t *testing.T) {
	tests := []struct {
		name, uid, want string
	}{
		{name: "dashes are removed and the name is cut to 32 characters", uid: "6f4e2a1c-8b7d-4e3f-9a2b-1c0d5e6f7a8b", want: "a6f4e2a1c8b7d4e3f9a2b1c0d5e6f7a8"},
		{name: "a short UID is kept whole", uid: "abc-def", want: "aabcdef"},
		{name: "an empty UID gives just the prefix", uid: "", want: "a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{UID: types.UID(tc.uid)}}
			if got := DefaultLoadBalancerName(svc); got != tc.want {
				t.Errorf("DefaultLoadBalancerName(%q) = %q, want %q", tc.uid, got, tc.want)
			}
		})
	}
}

func TestSimpleClientBuilder(t *testing.T) {
	t.Run("the name is appended to the user agent of a copy", func(t *testing.T) {
		base := &rest.Config{Host: "https://127.0.0.1:6443", UserAgent: "ccm"}
		b := SimpleClientBuilder{Base: base}
		cfg, err := b.Config("service-controller")
		if err != nil {
			t.Fatal(err)
		}
		if cfg.UserAgent != "ccm/service-controller" || base.UserAgent != "ccm" {
			t.Fatalf("UserAgent = %q (base %q)", cfg.UserAgent, base.UserAgent)
		}
		if _, err := b.Client("route-controller"); err != nil {
			t.Fatalf("Client: %v", err)
		}
	})
	t.Run("a builder without a base config fails with ErrNoClientConfig", func(t *testing.T) {
		if _, err := (SimpleClientBuilder{}).Client("x"); !errors.Is(err, ErrNoClientConfig) {
			t.Fatalf("Client = %v, want ErrNoClientConfig", err)
		}
	})
}

package local

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	cloudprovider "keel.dev/cloud-provider"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		nilReader bool
		wantRange string
		wantErr   string
	}{
		{name: "no config file gives the loopback default range", nilReader: true, wantRange: DefaultRange},
		{name: "an empty file gives the loopback default range", in: "", wantRange: DefaultRange},
		{name: "a configured range is kept", in: "loadBalancerRange: 192.168.50.0/28", wantRange: "192.168.50.0/28"},
		{name: "an invalid range is rejected", in: "loadBalancerRange: nope", wantErr: "loadBalancerRange"},
		{name: "a single-address range is usable", in: "loadBalancerRange: 127.0.100.7/32", wantRange: "127.0.100.7/32"},
		{name: "an unknown field is rejected", in: "loadBalancerRnage: 10.0.0.0/24", wantErr: "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cfg *Config
			var err error
			if tc.nilReader {
				cfg, err = ParseConfig(nil)
			} else {
				cfg, err = ParseConfig(strings.NewReader(tc.in))
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.LoadBalancerRange != tc.wantRange {
				t.Errorf("range = %q, want %q", cfg.LoadBalancerRange, tc.wantRange)
			}
		})
	}
}

const instancesYAML = `
zone: desk
region: home
instances:
  node-1:
    providerID: local://machine-1
    instanceType: laptop
    zone: left
    addresses:
    - {type: InternalIP, address: 127.0.0.1}
    - {type: Hostname, address: node-1}
  node-2:
    shutdown: true
`

func TestInstancesAndZones(t *testing.T) {
	ctx := context.Background()
	cfg, err := ParseConfig(strings.NewReader(instancesYAML))
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	reported := []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.9.9.9"}}
	tests := []struct {
		name         string
		node         *corev1.Node
		want         cloudprovider.InstanceMetadata
		wantShutdown bool
	}{
		{
			name: "a configured node gets its entry with the top-level region filled in",
			node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}},
			want: cloudprovider.InstanceMetadata{ProviderID: "local://machine-1", InstanceType: "laptop", Zone: "left", Region: "home",
				NodeAddresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}, {Type: corev1.NodeHostName, Address: "node-1"}}},
		},
		{
			name: "a node is found by provider ID before name",
			node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "other"}, Spec: corev1.NodeSpec{ProviderID: "local://machine-1"}},
			want: cloudprovider.InstanceMetadata{ProviderID: "local://machine-1", InstanceType: "laptop", Zone: "left", Region: "home",
				NodeAddresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}, {Type: corev1.NodeHostName, Address: "node-1"}}},
		},
		{
			name:         "a configured shut-down node is reported as shut down",
			node:         &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-2"}},
			want:         cloudprovider.InstanceMetadata{ProviderID: "local://node-2", Zone: "desk", Region: "home"},
			wantShutdown: true,
		},
		{
			name: "an unlisted node exists with defaults and its reported addresses",
			node: &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "stray"}, Status: corev1.NodeStatus{Addresses: reported}},
			want: cloudprovider.InstanceMetadata{ProviderID: "local://stray", Zone: "desk", Region: "home", NodeAddresses: reported},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			md, err := c.InstanceMetadata(ctx, tc.node)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, *md); diff != "" {
				t.Errorf("metadata (-want +got):\n%s", diff)
			}
			if ok, err := c.InstanceExists(ctx, tc.node); !ok || err != nil {
				t.Errorf("InstanceExists = %v, %v", ok, err)
			}
			if down, _ := c.InstanceShutdown(ctx, tc.node); down != tc.wantShutdown {
				t.Errorf("InstanceShutdown = %v, want %v", down, tc.wantShutdown)
			}
		})
	}
	if z, _ := c.GetZone(ctx); z != (cloudprovider.Zone{FailureDomain: "desk", Region: "home"}) {
		t.Errorf("GetZone = %+v", z)
	}
}

func TestRoutesAreRecorded(t *testing.T) {
	ctx := context.Background()
	c, err := New(&Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateRoute(ctx, "k", "uid-1", &cloudprovider.Route{TargetNode: "n1", DestinationCIDR: "10.244.0.0/24"}); err != nil {
		t.Fatal(err)
	}
	routes, _ := c.ListRoutes(ctx, "k")
	if len(routes) != 1 || routes[0].Name != "k-uid-1" || routes[0].DestinationCIDR != "10.244.0.0/24" {
		t.Fatalf("routes = %+v", routes)
	}
	if err := c.DeleteRoute(ctx, "k", routes[0]); err != nil {
		t.Fatal(err)
	}
	if routes, _ := c.ListRoutes(ctx, "k"); len(routes) != 0 {
		t.Fatalf("routes after delete = %+v", routes)
	}
}

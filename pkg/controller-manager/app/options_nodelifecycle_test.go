package app

import (
	"testing"

	"github.com/spf13/pflag"

	"keel.dev/keel/pkg/controller/nodelifecycle"
)

func TestNodeLifecycleFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    nodelifecycle.Options
		wantErr bool
	}{
		{"the defaults are Kubernetes'", nil,
			nodelifecycle.Options{EvictionRate: 0.1, SecondaryEvictionRate: 0.01, UnhealthyZoneThreshold: 0.55, LargeClusterSizeThreshold: 50}, false},
		{"flags override the defaults", []string{"--node-eviction-rate=2", "--secondary-node-eviction-rate=0.5", "--unhealthy-zone-threshold=0.25", "--large-cluster-size-threshold=7"},
			nodelifecycle.Options{EvictionRate: 2, SecondaryEvictionRate: 0.5, UnhealthyZoneThreshold: 0.25, LargeClusterSizeThreshold: 7}, false},
		{"a zero secondary rate means no eviction, not the default", []string{"--secondary-node-eviction-rate=0"},
			nodelifecycle.Options{EvictionRate: 0.1, SecondaryEvictionRate: -1, UnhealthyZoneThreshold: 0.55, LargeClusterSizeThreshold: 50}, false},
		{"a threshold above one is rejected", []string{"--unhealthy-zone-threshold=1.5"}, nodelifecycle.Options{}, true},
		{"a zero primary rate is rejected", []string{"--node-eviction-rate=0"}, nodelifecycle.Options{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions()
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			o.Complete(o.AddFlags(fs))
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := o.NodeLifecycleOptions.validate()
			if (err != nil) != tt.wantErr {
				t.Fatalf("validate: %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			var got nodelifecycle.Options
			o.NodeLifecycleOptions.apply(&got)
			if diff := func(a, b float64) bool { return a-b > 1e-6 || b-a > 1e-6 }; diff(got.EvictionRate, tt.want.EvictionRate) ||
				diff(got.SecondaryEvictionRate, tt.want.SecondaryEvictionRate) || diff(got.UnhealthyZoneThreshold, tt.want.UnhealthyZoneThreshold) ||
				got.LargeClusterSizeThreshold != tt.want.LargeClusterSizeThreshold {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
		})
	}
}

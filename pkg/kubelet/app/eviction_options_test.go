package app

import (
	"testing"
	"time"
)

func TestEvictionFlags(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		thresholds int
		transition time.Duration
		maxGrace   int64
		wantErr    bool
	}{
		{"the defaults are Kubernetes' four hard thresholds and a 5m transition period", nil, 4, 5 * time.Minute, 0, false},
		{"--eviction-hard replaces the defaults", []string{"--eviction-hard=memory.available<1Gi"}, 1, 5 * time.Minute, 0, false},
		{"soft thresholds add to the hard ones", []string{"--eviction-soft=memory.available<2Gi", "--eviction-soft-grace-period=memory.available=30s",
			"--eviction-max-pod-grace-period=60", "--eviction-pressure-transition-period=1m"}, 5, time.Minute, 60, false},
		{"a soft threshold without grace period is rejected", []string{"--eviction-soft=memory.available<2Gi"}, 0, 0, 0, true},
		{"an unknown signal is rejected", []string{"--eviction-hard=cpu.available<1"}, 0, 0, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := parse(t, c.args...)
			err := o.Validate()
			if c.wantErr {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := o.EvictionConfig()
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Thresholds) != c.thresholds || cfg.PressureTransitionPeriod != c.transition || cfg.MaxPodGracePeriodSeconds != c.maxGrace {
				t.Errorf("config = %d thresholds, %v, %d", len(cfg.Thresholds), cfg.PressureTransitionPeriod, cfg.MaxPodGracePeriodSeconds)
			}
		})
	}
}

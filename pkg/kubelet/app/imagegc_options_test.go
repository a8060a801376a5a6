package app

import (
	"slices"
	"testing"
	"time"

	"keel.dev/keel/pkg/kubelet/images"
)

// TestKubeletFlags checks the kubelet's image GC flags end to end: names,
// defaults, validation and the resulting config.
func TestImageGCFlags(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		want     images.Policy
		pinned   []string
		periodic bool
		wantErr  bool
	}{
		{"the defaults are Kubernetes' 85/80 percent and 2m minimum age", nil,
			images.Policy{HighThresholdPercent: 85, LowThresholdPercent: 80, MinAge: 2 * time.Minute}, []string{"keel.local/pause:3"}, true, false},
		{"every flag is read", []string{"--image-gc-high-threshold=70", "--image-gc-low-threshold=50", "--minimum-image-ttl-duration=1m",
			"--image-maximum-gc-age=48h", "--pod-infra-image=registry.local/pause:9"},
			images.Policy{HighThresholdPercent: 70, LowThresholdPercent: 50, MinAge: time.Minute, MaxAge: 48 * time.Hour}, []string{"registry.local/pause:9"}, true, false},
		{"a high threshold of 100 turns image GC off", []string{"--image-gc-high-threshold=100"},
			images.Policy{HighThresholdPercent: 100, LowThresholdPercent: 80, MinAge: 2 * time.Minute}, []string{"keel.local/pause:3"}, false, false},
		{"a low threshold above the high one is rejected", []string{"--image-gc-low-threshold=90"}, images.Policy{}, nil, false, true},
		{"a threshold above 100 is rejected", []string{"--image-gc-high-threshold=101"}, images.Policy{}, nil, false, true},
		{"a maximum age below the minimum age is rejected", []string{"--image-maximum-gc-age=1m"}, images.Policy{}, nil, false, true},
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
			cfg, err := o.ImageGCConfig()
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Policy != c.want || !slices.Equal(cfg.PinnedImages, c.pinned) || cfg.Policy.Periodic() != c.periodic {
				t.Errorf("config = %+v, periodic %v", cfg, cfg.Policy.Periodic())
			}
		})
	}
}

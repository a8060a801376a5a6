package images

import (
	"strings"
	"testing"
	"time"
)

func TestPolicyValidate(t *testing.T) {
	cases := []struct {
		name     string
		change   func(*Policy)
		wantErr  string
		periodic bool
	}{
		{"the defaults are valid", func(*Policy) {}, "", true},
		{"a high threshold above 100 is rejected", func(p *Policy) { p.HighThresholdPercent = 101 }, "--image-gc-high-threshold 101 must be between 0 and 100", true},
		{"a negative low threshold is rejected", func(p *Policy) { p.LowThresholdPercent = -1 }, "--image-gc-low-threshold -1 must be between 0 and 100", true},
		{"a low threshold equal to the high one is rejected", func(p *Policy) { p.LowThresholdPercent = 85 }, "must be less than --image-gc-high-threshold 85", true},
		{"a low threshold above the high one is rejected", func(p *Policy) { p.HighThresholdPercent, p.LowThresholdPercent = 50, 60 }, "--image-gc-low-threshold 60 must be less than", true},
		{"a negative maximum age is rejected", func(p *Policy) { p.MaxAge = -time.Second }, "--image-maximum-gc-age -1s must not be negative", true},
		{"a maximum age not above the minimum age is rejected", func(p *Policy) { p.MaxAge = 2 * time.Minute }, "must be greater than --minimum-image-ttl-duration 2m0s", true},
		{"a negative minimum age is rejected", func(p *Policy) { p.MinAge = -time.Second }, "--minimum-image-ttl-duration -1s must not be negative", true},
		{"a high threshold of 100 turns periodic passes off", func(p *Policy) { p.HighThresholdPercent = 100 }, "", false},
		{"a maximum age keeps them on at a high threshold of 100", func(p *Policy) { p.HighThresholdPercent, p.MaxAge = 100, time.Hour }, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := DefaultPolicy()
			c.change(&p)
			err := p.Validate()
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.Periodic() != c.periodic {
					t.Errorf("periodic = %v", p.Periodic())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("err = %v, want %q", err, c.wantErr)
			}
		})
	}
	if _, err := New(Config{Policy: DefaultPolicy()}); err == nil {
		t.Error("New accepted a config without runtime")
	}
}

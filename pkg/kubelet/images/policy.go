package images

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of the kubelet's image GC flags, as in Kubernetes.
const (
	DefaultHighThresholdPercent = 85
	DefaultLowThresholdPercent  = 80
	DefaultMinAge               = 2 * time.Minute
	// DefaultPeriod is the time between two garbage collection passes.
	DefaultPeriod = 5 * time.Minute
)

// Policy says when images are garbage collected.
type Policy struct {
	// HighThresholdPercent is the image filesystem usage at or above
	// which unused images are removed (--image-gc-high-threshold).
	HighThresholdPercent int
	// LowThresholdPercent is the usage removal brings the filesystem
	// back to (--image-gc-low-threshold).
	LowThresholdPercent int
	// MinAge is how long an image is kept after it was first seen
	// (--minimum-image-ttl-duration).
	MinAge time.Duration
	// MaxAge removes images unused for longer regardless of disk usage;
	// 0 disables it (--image-maximum-gc-age).
	MaxAge time.Duration
}

// DefaultPolicy returns Kubernetes' default policy.
func DefaultPolicy() Policy {
	return Policy{HighThresholdPercent: DefaultHighThresholdPercent, LowThresholdPercent: DefaultLowThresholdPercent, MinAge: DefaultMinAge}
}

// Validate checks the policy with the kubelet's rules: both thresholds
// between 0 and 100, the low one below the high one, and a maximum age
// that is zero or longer than the minimum age.
func (p Policy) Validate() error {
	var errs []error
	if p.HighThresholdPercent < 0 || p.HighThresholdPercent > 100 {
		errs = append(errs, fmt.Errorf("--image-gc-high-threshold %d must be between 0 and 100, inclusive", p.HighThresholdPercent))
	}
	if p.LowThresholdPercent < 0 || p.LowThresholdPercent > 100 {
		errs = append(errs, fmt.Errorf("--image-gc-low-threshold %d must be between 0 and 100, inclusive", p.LowThresholdPercent))
	}
	if p.LowThresholdPercent >= p.HighThresholdPercent {
		errs = append(errs, fmt.Errorf("--image-gc-low-threshold %d must be less than --image-gc-high-threshold %d",
			p.LowThresholdPercent, p.HighThresholdPercent))
	}
	if p.MinAge < 0 {
		errs = append(errs, fmt.Errorf("--minimum-image-ttl-duration %v must not be negative", p.MinAge))
	}
	if p.MaxAge < 0 {
		errs = append(errs, fmt.Errorf("--image-maximum-gc-age %v must not be negative", p.MaxAge))
	}
	if p.MaxAge > 0 && p.MaxAge <= p.MinAge {
		errs = append(errs, fmt.Errorf("--image-maximum-gc-age %v must be greater than --minimum-image-ttl-duration %v", p.MaxAge, p.MinAge))
	}
	return errors.Join(errs...)
}

// Periodic reports whether the periodic passes do anything: a high
// threshold of 100% without a maximum age turns them off, as in
// Kubernetes (removal under eviction pressure still works).
func (p Policy) Periodic() bool {
	return p.HighThresholdPercent < 100 || p.MaxAge > 0
}

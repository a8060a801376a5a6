package eviction

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
)

// Signal names an observed quantity the kubelet can evict on.
type Signal string

// The eviction signals Keel observes, named as in Kubernetes.
const (
	SignalMemoryAvailable   Signal = "memory.available"
	SignalNodeFsAvailable   Signal = "nodefs.available"
	SignalNodeFsInodesFree  Signal = "nodefs.inodesFree"
	SignalImageFsAvailable  Signal = "imagefs.available"
	SignalImageFsInodesFree Signal = "imagefs.inodesFree"
	SignalPIDAvailable      Signal = "pid.available"
)

// Resources the manager reclaims that are not node resources.
const (
	ResourceInodes corev1.ResourceName = "inodes"
	ResourcePIDs   corev1.ResourceName = "pids"
)

// Defaults of the kubelet's eviction flags.
const (
	DefaultEvictionHard             = "memory.available<100Mi,nodefs.available<10%,imagefs.available<15%,nodefs.inodesFree<5%"
	DefaultPressureTransitionPeriod = 5 * time.Minute
	DefaultMonitoringInterval       = 10 * time.Second
)

// signalInfo is what the manager knows about one signal.
type signalInfo struct {
	resource  corev1.ResourceName
	condition corev1.NodeConditionType
	format    resource.Format
}

var signals = map[Signal]signalInfo{
	SignalMemoryAvailable:   {corev1.ResourceMemory, corev1.NodeMemoryPressure, resource.BinarySI},
	SignalNodeFsAvailable:   {corev1.ResourceEphemeralStorage, corev1.NodeDiskPressure, resource.BinarySI},
	SignalNodeFsInodesFree:  {ResourceInodes, corev1.NodeDiskPressure, resource.DecimalSI},
	SignalImageFsAvailable:  {corev1.ResourceEphemeralStorage, corev1.NodeDiskPressure, resource.BinarySI},
	SignalImageFsInodesFree: {ResourceInodes, corev1.NodeDiskPressure, resource.DecimalSI},
	SignalPIDAvailable:      {ResourcePIDs, corev1.NodePIDPressure, resource.DecimalSI},
}

// Resource returns the resource the signal measures ("" if unknown).
func (s Signal) Resource() corev1.ResourceName { return signals[s].resource }

// Condition returns the node condition the signal drives ("" if unknown).
func (s Signal) Condition() corev1.NodeConditionType { return signals[s].condition }

// Value is a threshold amount: an absolute quantity, or a fraction of the
// signal's capacity when Quantity is nil.
type Value struct {
	Quantity   *resource.Quantity
	Percentage float64
}

// Of returns the amount the value stands for given the signal's capacity.
func (v Value) Of(s Signal, capacity int64) *resource.Quantity {
	if v.Quantity != nil {
		q := v.Quantity.DeepCopy()
		return &q
	}
	return resource.NewQuantity(int64(float64(capacity)*v.Percentage), signals[s].format)
}

func (v Value) String() string {
	if v.Quantity != nil {
		return v.Quantity.String()
	}
	return strconv.FormatFloat(v.Percentage*100, 'f', -1, 64) + "%"
}

// Threshold is met when the signal's available amount drops below Value.
// GracePeriod 0 makes it a hard threshold, acted on at once; a soft one
// must stay met for GracePeriod first. Once met, it is resolved only when
// the available amount climbs back above Value plus MinReclaim.
type Threshold struct {
	Signal      Signal
	Value       Value
	GracePeriod time.Duration
	MinReclaim  *Value
}

// Hard reports whether the threshold has no grace period.
func (t Threshold) Hard() bool { return t.GracePeriod == 0 }

func (t Threshold) String() string {
	s := string(t.Signal) + "<" + t.Value.String()
	if !t.Hard() {
		s += " (grace " + t.GracePeriod.String() + ")"
	}
	return s
}

// ParseThresholds builds the thresholds of the kubelet's flags: hard and
// soft are comma-separated "signal<value" lists (value a quantity or a
// percentage), softGrace and minReclaim comma-separated "signal=value"
// lists. Every soft threshold needs a grace period.
func ParseThresholds(hard, soft, softGrace, minReclaim string) ([]Threshold, error) {
	hardList, err := parseStatements(hard)
	if err != nil {
		return nil, fmt.Errorf("--eviction-hard: %w", err)
	}
	softList, err := parseStatements(soft)
	if err != nil {
		return nil, fmt.Errorf("--eviction-soft: %w", err)
	}
	graces, err := parseAssignments(softGrace)
	if err != nil {
		return nil, fmt.Errorf("--eviction-soft-grace-period: %w", err)
	}
	reclaims, err := parseAssignments(minReclaim)
	if err != nil {
		return nil, fmt.Errorf("--eviction-minimum-reclaim: %w", err)
	}
	for i := range softList {
		g, ok := graces[softList[i].Signal]
		if !ok {
			return nil, fmt.Errorf("grace period must be specified for the soft eviction threshold %s", softList[i].Signal)
		}
		d, err := time.ParseDuration(g)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("--eviction-soft-grace-period %s=%s: not a non-negative duration", softList[i].Signal, g)
		}
		softList[i].GracePeriod = d
	}
	out := append(hardList, softList...)
	for sig, raw := range reclaims {
		v, err := parseValue(sig, raw, true)
		if err != nil {
			return nil, fmt.Errorf("--eviction-minimum-reclaim: %w", err)
		}
		for i := range out {
			if out[i].Signal == sig && v != nil {
				vv := *v
				out[i].MinReclaim = &vv
			}
		}
	}
	return out, nil
}

// parseStatements parses "signal<value,..."; 0% and 100% disable a signal.
func parseStatements(s string) ([]Threshold, error) {
	var out []Threshold
	seen := map[Signal]bool{}
	for _, stmt := range splitList(s) {
		name, val, ok := strings.Cut(stmt, "<")
		if !ok {
			return nil, fmt.Errorf("%q: want signal<value", stmt)
		}
		sig := Signal(strings.TrimSpace(name))
		if seen[sig] {
			return nil, fmt.Errorf("signal %s given twice", sig)
		}
		seen[sig] = true
		v, err := parseValue(sig, strings.TrimSpace(val), false)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, Threshold{Signal: sig, Value: *v})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Signal < out[j].Signal })
	return out, nil
}

// parseAssignments parses "signal=value,..." into a map.
func parseAssignments(s string) (map[Signal]string, error) {
	out := map[Signal]string{}
	for _, stmt := range splitList(s) {
		name, val, ok := strings.Cut(stmt, "=")
		if !ok {
			return nil, fmt.Errorf("%q: want signal=value", stmt)
		}
		sig := Signal(strings.TrimSpace(name))
		if _, known := signals[sig]; !known {
			return nil, fmt.Errorf("unsupported eviction signal %s", sig)
		}
		out[sig] = strings.TrimSpace(val)
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseValue parses a quantity or a percentage; nil means "ignore" (a
// threshold of 0% or 100%). A minimum reclaim may be zero.
func parseValue(sig Signal, val string, reclaim bool) (*Value, error) {
	if _, ok := signals[sig]; !ok {
		return nil, fmt.Errorf("unsupported eviction signal %s", sig)
	}
	if pct, ok := strings.CutSuffix(val, "%"); ok {
		f, err := strconv.ParseFloat(pct, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: bad percentage %q", sig, val)
		}
		if f < 0 || f > 100 {
			return nil, fmt.Errorf("%s: percentage %q must be between 0%% and 100%%", sig, val)
		}
		if !reclaim && (f == 0 || f == 100) {
			return nil, nil
		}
		return &Value{Percentage: f / 100}, nil
	}
	q, err := resource.ParseQuantity(val)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sig, err)
	}
	if q.Sign() < 0 || (!reclaim && q.Sign() == 0) {
		return nil, fmt.Errorf("eviction threshold %s must be positive: %s", sig, val)
	}
	return &Value{Quantity: &q}, nil
}

package metrics

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Vec is a family of samples of one metric, keyed by label values.
type Vec struct {
	name, help, kind string
	labels           []string

	mu     sync.Mutex
	values map[string]float64
	keys   map[string][]string
}

// Registry holds metric families in registration order.
type Registry struct {
	mu   sync.Mutex
	vecs []*Vec
}

// Default is the process-wide registry served at /metrics.
var Default = &Registry{}

// NewCounter registers a counter family with the given label names.
func (r *Registry) NewCounter(name, help string, labels ...string) *Vec {
	return r.add(&Vec{name: name, help: help, kind: "counter", labels: labels})
}

// NewGauge registers a gauge family with the given label names.
func (r *Registry) NewGauge(name, help string, labels ...string) *Vec {
	return r.add(&Vec{name: name, help: help, kind: "gauge", labels: labels})
}

func (r *Registry) add(v *Vec) *Vec {
	v.values = map[string]float64{}
	v.keys = map[string][]string{}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.vecs = append(r.vecs, v)
	return v
}

// Inc adds one to the sample with the given label values.
func (v *Vec) Inc(labelValues ...string) { v.Add(1, labelValues...) }

// Add adds d to the sample with the given label values.
func (v *Vec) Add(d float64, labelValues ...string) {
	k := v.key(labelValues)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.values[k] += d
	v.keys[k] = labelValues
}

// Set sets the sample with the given label values to x.
func (v *Vec) Set(x float64, labelValues ...string) {
	k := v.key(labelValues)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.values[k] = x
	v.keys[k] = labelValues
}

// Value returns the sample with the given label values (0 if unset).
func (v *Vec) Value(labelValues ...string) float64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.values[v.key(labelValues)]
}

func (v *Vec) key(labelValues []string) string {
	if len(labelValues) != len(v.labels) {
		panic(fmt.Sprintf("metric %s: %d label values for %d labels", v.name, len(labelValues), len(v.labels)))
	}
	return strings.Join(labelValues, "\xff")
}

// WriteText writes every family in the Prometheus text format.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	vecs := slices.Clone(r.vecs)
	r.mu.Unlock()
	var b strings.Builder
	for _, v := range vecs {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", v.name, escapeHelp(v.help), v.name, v.kind)
		v.mu.Lock()
		keys := make([]string, 0, len(v.values))
		for k := range v.values {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			b.WriteString(v.name)
			if len(v.labels) > 0 {
				b.WriteByte('{')
				for i, l := range v.labels {
					if i > 0 {
						b.WriteByte(',')
					}
					fmt.Fprintf(&b, "%s=%q", l, v.keys[k][i])
				}
				b.WriteByte('}')
			}
			b.WriteByte(' ')
			b.WriteString(formatFloat(v.values[k]))
			b.WriteByte('\n')
		}
		v.mu.Unlock()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// The metrics of the cloud-controller-manager.
var (
	// Syncs counts controller syncs by controller and result (success, error).
	Syncs = Default.NewCounter("cloud_controller_syncs_total",
		"Syncs of the cloud controllers by controller and result.", "controller", "result")
	// CloudErrors counts failed cloud provider calls by controller and operation.
	CloudErrors = Default.NewCounter("cloud_controller_provider_errors_total",
		"Failed cloud provider calls by controller and operation.", "controller", "operation")
	// Leader is 1 while this process holds the leader lease.
	Leader = Default.NewGauge("cloud_controller_leader",
		"Whether this cloud-controller-manager is the elected leader.")
)

// Package metrics is a minimal Prometheus text exposition for the
// cloud-controller-manager: labelled counters and gauges kept in memory and
// written in the text format 0.0.4. It exists so that the staging module does
// not pull the Prometheus client library into every out-of-tree provider.
package metrics

package stats

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ResourceMetricsContentType is the content type of /metrics/resource.
const ResourceMetricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// WriteResourceMetrics writes s in the Prometheus text format of the
// kubelet's /metrics/resource endpoint (the series metrics-server reads),
// each sample stamped with its collection time in milliseconds.
func WriteResourceMetrics(w io.Writer, s *Summary, scrapeErr bool) error {
	var b strings.Builder
	family := func(name, help, typ string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	sample := func(name string, labels []string, v float64, ms int64) {
		b.WriteString(name)
		if len(labels) > 0 {
			b.WriteByte('{')
			for i := 0; i+1 < len(labels); i += 2 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%s=%s", labels[i], strconv.Quote(labels[i+1]))
			}
			b.WriteByte('}')
		}
		fmt.Fprintf(&b, " %s", strconv.FormatFloat(v, 'g', -1, 64))
		if ms > 0 {
			fmt.Fprintf(&b, " %d", ms)
		}
		b.WriteByte('\n')
	}
	type ctr struct {
		pod, ns string
		c       ContainerStats
	}
	var ctrs []ctr
	for _, p := range s.Pods {
		for _, c := range p.Containers {
			ctrs = append(ctrs, ctr{p.PodRef.Name, p.PodRef.Namespace, c})
		}
	}

	family("container_cpu_usage_seconds_total", "[STABLE] Cumulative cpu time consumed by the container in core-seconds", "counter")
	for _, c := range ctrs {
		if c.c.CPU != nil && c.c.CPU.UsageCoreNanoSeconds != nil {
			sample("container_cpu_usage_seconds_total", []string{"container", c.c.Name, "namespace", c.ns, "pod", c.pod},
				float64(*c.c.CPU.UsageCoreNanoSeconds)/1e9, c.c.CPU.Time.UnixMilli())
		}
	}
	family("container_memory_working_set_bytes", "[STABLE] Current working set of the container in bytes", "gauge")
	for _, c := range ctrs {
		if c.c.Memory != nil && c.c.Memory.WorkingSetBytes != nil {
			sample("container_memory_working_set_bytes", []string{"container", c.c.Name, "namespace", c.ns, "pod", c.pod},
				float64(*c.c.Memory.WorkingSetBytes), c.c.Memory.Time.UnixMilli())
		}
	}
	family("container_start_time_seconds", "[STABLE] Start time of the container since unix epoch in seconds", "gauge")
	for _, c := range ctrs {
		if !c.c.StartTime.IsZero() {
			sample("container_start_time_seconds", []string{"container", c.c.Name, "namespace", c.ns, "pod", c.pod},
				float64(c.c.StartTime.UnixNano())/1e9, c.c.StartTime.UnixMilli())
		}
	}
	family("node_cpu_usage_seconds_total", "[STABLE] Cumulative cpu time consumed by the node in core-seconds", "counter")
	if c := s.Node.CPU; c != nil && c.UsageCoreNanoSeconds != nil {
		sample("node_cpu_usage_seconds_total", nil, float64(*c.UsageCoreNanoSeconds)/1e9, c.Time.UnixMilli())
	}
	family("node_memory_working_set_bytes", "[STABLE] Current working set of the node in bytes", "gauge")
	if m := s.Node.Memory; m != nil && m.WorkingSetBytes != nil {
		sample("node_memory_working_set_bytes", nil, float64(*m.WorkingSetBytes), m.Time.UnixMilli())
	}
	family("pod_cpu_usage_seconds_total", "[STABLE] Cumulative cpu time consumed by the pod in core-seconds", "counter")
	for _, p := range s.Pods {
		if p.CPU != nil && p.CPU.UsageCoreNanoSeconds != nil {
			sample("pod_cpu_usage_seconds_total", []string{"namespace", p.PodRef.Namespace, "pod", p.PodRef.Name},
				float64(*p.CPU.UsageCoreNanoSeconds)/1e9, p.CPU.Time.UnixMilli())
		}
	}
	family("pod_memory_working_set_bytes", "[STABLE] Current working set of the pod in bytes", "gauge")
	for _, p := range s.Pods {
		if p.Memory != nil && p.Memory.WorkingSetBytes != nil {
			sample("pod_memory_working_set_bytes", []string{"namespace", p.PodRef.Namespace, "pod", p.PodRef.Name},
				float64(*p.Memory.WorkingSetBytes), p.Memory.Time.UnixMilli())
		}
	}
	family("resource_scrape_error", "[STABLE] 1 if there was an error while getting container metrics, 0 otherwise", "gauge")
	v := 0.0
	if scrapeErr {
		v = 1
	}
	sample("resource_scrape_error", nil, v, 0)
	_, err := io.WriteString(w, b.String())
	return err
}

package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// runtimePeaks are the largest values of a few Go runtime gauges of the
// scheduler seen while sampling its /metrics, to tell heap growth from
// goroutine stacks when RSS is high.
type runtimePeaks struct {
	mu         sync.Mutex
	goroutines float64
	heapInuse  float64
	stackInuse float64
	samples    int
}

// gauges the sampler reads, by metric name.
var runtimeGauges = []string{"go_goroutines", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes"}

// sample scrapes base/metrics once and keeps the maxima.
func (p *runtimePeaks) sample(c *http.Client, base string) {
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	vals := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		for _, g := range runtimeGauges {
			if name == g {
				if v, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
					vals[g] = v
				}
			}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.samples++
	p.goroutines = max(p.goroutines, vals["go_goroutines"])
	p.heapInuse = max(p.heapInuse, vals["go_memstats_heap_inuse_bytes"])
	p.stackInuse = max(p.stackInuse, vals["go_memstats_stack_inuse_bytes"])
}

// run samples every interval until done is closed.
func (p *runtimePeaks) run(base string, interval time.Duration, done <-chan struct{}) {
	c := &http.Client{Timeout: time.Second}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		p.sample(c, base)
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}

func (p *runtimePeaks) String() string {
	if p == nil {
		return "not sampled"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Sprintf("goroutines %.0f, heap in use %.1f MiB, stacks %.1f MiB (%d samples)",
		p.goroutines, p.heapInuse/(1<<20), p.stackInuse/(1<<20), p.samples)
}

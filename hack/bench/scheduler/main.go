// Command scheduler-bench is the scheduler's load program (`make
// bench-scheduler`, part of `make bench`), in the manner of Kubernetes'
// scheduler_perf. For each scenario it starts the built apiserver
// (_output/bin/apiserver, embedded etcd in a temporary directory) and the
// built scheduler (_output/bin/scheduler) as separate processes, creates
// fake Node objects (no kubelets) and pods, and measures:
//
//   - pods/s: pods bound divided by the time from the first pod's creation
//     (or, for the backlog, the scheduler's start) to the last binding;
//   - p50/p99 from a pod's creation request to the watch event showing its
//     spec.nodeName (for the backlog: from the scheduler's start);
//   - the scheduler's peak RSS (VmHWM of /proc/PID/status) and its RSS at
//     the end.
//
// Scenarios: 1,000 nodes / 5,000 pods and 5,000 nodes / 5,000 pods with
// pods created while the scheduler runs; a 5,000-pod backlog on 5,000
// nodes cleared from a cold start; 1,000 pods with required pod
// anti-affinity on 1,000 nodes; 5,000 pods spread by zone (maxSkew 1) on
// 1,000 nodes. Each scenario is bounded by -scenario-timeout, the run by
// -timeout. -runtime-stats also prints the scheduler's peak goroutines,
// heap and stacks in use (scraped from its /metrics), to tell where RSS
// goes; -profile-dir saves heap profiles.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	apiserver := flag.String("apiserver", "_output/bin/apiserver", "path of the built apiserver binary")
	scheduler := flag.String("scheduler", "_output/bin/scheduler", "path of the built scheduler binary")
	timeout := flag.Duration("timeout", 15*time.Minute, "bound on the whole run")
	perScenario := flag.Duration("scenario-timeout", 3*time.Minute, "bound on one scenario")
	only := flag.String("only", "", "comma-separated scenario names to run (default: all)")
	qps := flag.Int("scheduler-qps", 5000, "the scheduler's --kube-api-qps and --kube-api-burst")
	keep := flag.Bool("keep", false, "keep the temporary directories (etcd data, logs)")
	memLimit := flag.String("scheduler-gomemlimit", "", "GOMEMLIMIT of the scheduler process (e.g. 100MiB; default: unset)")
	profiles := flag.String("profile-dir", "", "write the scheduler's heap profiles (half-way and at the end of each scenario) into this directory")
	stats := flag.Bool("runtime-stats", false, "sample the scheduler's /metrics and print its peak goroutines, heap and stack in use per scenario")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var results []result
	failed := false
	for _, sc := range scenarios() {
		if *only != "" && !contains(strings.Split(*only, ","), sc.name) {
			continue
		}
		sctx, scancel := context.WithTimeout(ctx, *perScenario)
		r, err := runScenario(sctx, sc, env{apiserver: *apiserver, scheduler: *scheduler, qps: *qps, keep: *keep, profiles: *profiles, memLimit: *memLimit, stats: *stats})
		scancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "scheduler-bench: %s: %v\n", sc.name, err)
			failed = true
		}
		results = append(results, r)
		printResults(os.Stdout, results[len(results)-1:], len(results) == 1)
		if *stats {
			fmt.Printf("  runtime peaks: %s\n", r.peaks)
		}
	}
	fmt.Println()
	printResults(os.Stdout, results, true)
	if failed {
		os.Exit(1)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.TrimSpace(v) == s {
			return true
		}
	}
	return false
}

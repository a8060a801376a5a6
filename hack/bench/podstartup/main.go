// Command podstartup is the pod startup latency load program (`make
// bench-podstartup`, part of `make bench`). Against a running cluster (the
// admin kubeconfig in -kubeconfig) it creates -pods pods at once in a fresh
// namespace (keel.local/busybox:1.35 running `sleep 3600`, imagePullPolicy
// IfNotPresent), watches them, and prints the p50/p90/p99/max latency from
// each pod's creation to the arrival of the watch event showing it Running
// and Ready, with the scheduling (binding) and kubelet (bound to running)
// shares, then deletes the namespace. With -runtime-only it starts the same
// pods straight through a CRI endpoint instead, to measure the container
// runtime alone.
//
// Latencies are measured from the moment the create request was sent,
// which the client clock knows to the microsecond; creationTimestamp has
// only second precision, so the figures from it are printed as well for
// comparison with Kubernetes' pod startup SLI, which uses it.
//
// When -kubeconfig reaches no apiserver and the cluster ports are free,
// the program starts a one-node cluster with hack/local-up.sh (DETACH=1)
// in a temporary LOCAL_DIR and stops it with hack/local-down.sh at the end.
// Whoever runs it that way must hold the machine's cluster lock, if any.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "_output/local/kubeconfig", "admin kubeconfig of a running cluster")
	pods := flag.Int("pods", 30, "number of pods created at once")
	image := flag.String("image", "keel.local/busybox:1.35", "image of the pods' container")
	timeout := flag.Duration("timeout", 5*time.Minute, "bound on the whole run (cluster start included)")
	startCluster := flag.Bool("start-cluster", true, "start a temporary local cluster when -kubeconfig reaches none")
	keep := flag.Bool("keep", false, "keep the namespace (and the temporary cluster's directory)")
	hostNetwork := flag.Bool("host-network", false, "run the pods in the node's network namespace (no CNI), to tell the network's share of the latency")
	runtimeOnly := flag.String("runtime-only", "", "a CRI endpoint (unix:///run/containerd/containerd.sock): start the pods straight through it, with no Keel component, to tell the container runtime's own share (needs the node's CNI config and images in place, e.g. a running `make up` cluster)")
	parallel := flag.Int("parallel", 4, "with -runtime-only: pods started at a time (the kubelet's default --max-parallel-pod-starts; 0: all at once)")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if *runtimeOnly != "" {
		if err := measureRuntime(ctx, *runtimeOnly, options{pods: *pods, image: *image, hostNetwork: *hostNetwork}, *parallel); err != nil {
			fmt.Fprintf(os.Stderr, "podstartup: %v\n", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, options{kubeconfig: *kubeconfig, pods: *pods, image: *image, startCluster: *startCluster, keep: *keep, hostNetwork: *hostNetwork}); err != nil {
		fmt.Fprintf(os.Stderr, "podstartup: %v\n", err)
		os.Exit(1)
	}
}

type options struct {
	kubeconfig   string
	pods         int
	image        string
	startCluster bool
	keep         bool
	hostNetwork  bool
}

func run(ctx context.Context, o options) (err error) {
	if o.pods <= 0 {
		return errors.New("-pods must be positive")
	}
	cs, reachErr := connect(ctx, o.kubeconfig)
	if reachErr != nil {
		if !o.startCluster {
			return fmt.Errorf("no cluster at %s: %w", o.kubeconfig, reachErr)
		}
		if os.Geteuid() != 0 {
			fmt.Printf("podstartup: skipped: no cluster reachable through %s (%v), and starting one needs root\n", o.kubeconfig, reachErr)
			return nil
		}
		fmt.Printf("podstartup: no cluster reachable through %s (%v); starting a temporary one\n", o.kubeconfig, reachErr)
		cl, err := startLocalCluster(ctx, o.keep)
		if err != nil {
			return err
		}
		defer func() {
			if stopErr := cl.stop(); stopErr != nil && err == nil {
				err = stopErr
			}
		}()
		if cs, err = connect(ctx, cl.kubeconfig); err != nil {
			return fmt.Errorf("temporary cluster: %w", err)
		}
	}
	if err := waitNodeReady(ctx, cs); err != nil {
		return err
	}
	res, err := measure(ctx, cs, o)
	if err != nil {
		return err
	}
	res.print(os.Stdout)
	return nil
}

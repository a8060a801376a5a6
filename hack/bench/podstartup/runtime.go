package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
)

// measureRuntime starts the same pods straight through CRI, with no
// apiserver, scheduler or kubelet: a sandbox on the node's CNI network, then
// the busybox container, at most parallel pods at a time (as the kubelet's
// start gate does; 0: all at once). It tells what the container runtime
// alone (containerd, its shims, the OCI runtime and the CNI plugins) costs
// on this machine, which bounds what any kubelet can reach here.
func measureRuntime(ctx context.Context, endpoint string, o options, parallel int) error {
	rt, err := cri.Dial(ctx, endpoint)
	if err != nil {
		return fmt.Errorf("dial %s: %w", endpoint, err)
	}
	defer rt.Close()
	logRoot, err := os.MkdirTemp("", "podstartup-runtime-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(logRoot)
	run := fmt.Sprintf("%d", time.Now().UnixNano()%1e9)
	var (
		mu        sync.Mutex
		latencies []time.Duration
		sandboxes []string
		firstErr  error
	)
	slots := make(chan struct{}, max(parallel, o.pods))
	if parallel > 0 {
		slots = make(chan struct{}, parallel)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < o.pods; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			id, err := startRuntimePod(ctx, rt, o, run, i, logRoot)
			mu.Lock()
			defer mu.Unlock()
			if id != "" {
				sandboxes = append(sandboxes, id)
			}
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			latencies = append(latencies, time.Since(start))
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	for _, id := range sandboxes {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, _ = rt.StopPodSandbox(cctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: id})
		_, _ = rt.RemovePodSandbox(cctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: id})
		cancel()
	}
	if firstErr != nil {
		return firstErr
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%8.1fms", float64(d.Microseconds())/1000) }
	fmt.Printf("runtime only: %d pods through CRI (%d at a time), all started after %s\n", o.pods, cap(slots), wall.Round(time.Millisecond))
	fmt.Printf("%-44s %10s %10s %10s %10s\n", "latency", "p50", "p90", "p99", "max")
	fmt.Printf("%-44s %s %s %s %s\n", "batch start -> container started", ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.9)),
		ms(percentile(latencies, 0.99)), ms(percentile(latencies, 1)))
	return nil
}

// startRuntimePod runs one sandbox and its container and returns the
// sandbox ID (also on a later error, for the clean-up).
func startRuntimePod(ctx context.Context, rt *cri.Client, o options, run string, i int, logRoot string) (string, error) {
	name := fmt.Sprintf("pod-%d", i)
	uid := fmt.Sprintf("podstartup-%s-%d", run, i)
	logDir := filepath.Join(logRoot, uid)
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return "", err
	}
	ns := &runtimeapi.NamespaceOption{}
	hostname := name
	if o.hostNetwork {
		// the node's network and UTS namespaces, as the kubelet asks for them.
		ns.Network, hostname = runtimeapi.NamespaceMode_NODE, ""
	}
	sbCfg := &runtimeapi.PodSandboxConfig{
		Metadata:     &runtimeapi.PodSandboxMetadata{Name: name, Namespace: "podstartup-runtime-" + run, Uid: uid},
		Hostname:     hostname,
		LogDirectory: logDir,
		Labels:       map[string]string{"keel.dev/podstartup": run},
		Linux:        &runtimeapi.LinuxPodSandboxConfig{SecurityContext: &runtimeapi.LinuxSandboxSecurityContext{NamespaceOptions: ns}},
	}
	sb, err := rt.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: sbCfg})
	if err != nil {
		return "", fmt.Errorf("run sandbox %s: %w", name, err)
	}
	c, err := rt.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{
		PodSandboxId:  sb.PodSandboxId,
		SandboxConfig: sbCfg,
		Config: &runtimeapi.ContainerConfig{
			Metadata: &runtimeapi.ContainerMetadata{Name: "sleep"},
			Image:    &runtimeapi.ImageSpec{Image: o.image},
			Command:  []string{"sleep", "3600"},
			LogPath:  "sleep/0.log",
			Linux:    &runtimeapi.LinuxContainerConfig{SecurityContext: &runtimeapi.LinuxContainerSecurityContext{NamespaceOptions: ns}},
		},
	})
	if err != nil {
		return sb.PodSandboxId, fmt.Errorf("create container in %s: %w", name, err)
	}
	if _, err := rt.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: c.ContainerId}); err != nil {
		return sb.PodSandboxId, fmt.Errorf("start container in %s: %w", name, err)
	}
	return sb.PodSandboxId, nil
}

package kubelet

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/kubelet"
	"keel.dev/keel/pkg/kubelet/fakeruntime"
	"keel.dev/keel/pkg/kubelet/nodestatus"
	"keel.dev/keel/test/integration/framework"
)

// TestRestartedKubeletAdoptsRunningContainers runs a pod under one kubelet,
// stops it, starts a second kubelet on the same runtime and checks that the
// running container is kept, not restarted.
func TestRestartedKubeletAdoptsRunningContainers(t *testing.T) {
	s := framework.StartTestServer(t)
	cs := client(t, s)
	root := t.TempDir()
	rt, err := fakeruntime.Start(context.Background(), root, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	run := func() (stop func()) {
		k, err := kubelet.New(kubelet.Config{
			Client: cs, Runtime: rt.Service(), RuntimeName: rt.RuntimeName(), RootDir: root,
			PodLogsDir: root + "/logs", SimplifyProbes: true, Logger: quiet, OnPodCIDR: rt.SetPodCIDR,
			Node: nodestatus.Config{NodeName: "node-r", NodeIP: "10.0.0.7", UpdateFrequency: 500 * time.Millisecond,
				Machine: nodestatus.Machine{NumCPU: 2, MemoryBytes: 4 << 30, EphemeralBytes: 10 << 30, OperatingSystem: "linux", Architecture: "amd64"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = k.Run(ctx)
		}()
		return func() {
			cancel()
			<-done
		}
	}
	stop := run()
	nodeReady(t, cs, "node-r")
	if _, err := cs.CoreV1().Pods("default").Create(context.Background(), newPod("keep", "node-r"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	before := waitRunning(t, cs, "keep")
	stop()
	id := rt.Server.Running("app")
	if id == "" {
		t.Fatal("stopping the kubelet stopped the container")
	}
	rt.Server.ResetCalls()

	stop = run()
	defer stop()
	time.Sleep(3 * time.Second)
	for _, call := range rt.Server.Calls() {
		if strings.HasPrefix(call, "RunPodSandbox") || strings.HasPrefix(call, "StartContainer") || strings.HasPrefix(call, "StopContainer") {
			t.Errorf("the second kubelet called %s", call)
		}
	}
	if got := rt.Server.Running("app"); got != id {
		t.Errorf("running container = %q, want the adopted %q", got, id)
	}
	if n := len(rt.Server.Containers("app")); n != 1 {
		t.Errorf("containers named app = %d, want 1", n)
	}
	after := waitRunning(t, cs, "keep")
	if after.Status.ContainerStatuses[0].RestartCount != 0 || after.Status.PodIP != before.Status.PodIP ||
		after.Status.ContainerStatuses[0].ContainerID != before.Status.ContainerStatuses[0].ContainerID {
		t.Errorf("status changed across restart: before %+v after %+v", before.Status.ContainerStatuses, after.Status.ContainerStatuses)
	}
}

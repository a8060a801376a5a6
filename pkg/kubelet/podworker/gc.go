package podworker

import (
	"context"
	"os"
	"path/filepath"
	"strconv"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
)

// collectGarbage removes from the runtime what a live pod no longer needs,
// with the policy of Kubernetes' container garbage collection at its
// defaults: of each container's exited instances only the newest is kept
// (it backs lastState and the restart count); older ones are removed with
// their log and termination-message files. Then sandboxes that are neither
// ready nor the newest are removed once no kept container is in them.
// Without it a crash-looping container would leave one dead container,
// with its writable layer, per restart.
func (w *Worker) collectGarbage(ctx context.Context, pod *corev1.Pod, obs *observed) {
	inUse := map[string]bool{} // sandboxes holding a kept container
	for name, list := range obs.containers {
		keptExited := false
		for _, c := range list { // newest first
			if c.State != exited || !keptExited {
				keptExited = keptExited || c.State == exited
				inUse[obs.sandboxOf[c.ID]] = true
				continue
			}
			if _, err := w.cfg.Runtime.RemoveContainer(ctx, &runtimeapi.RemoveContainerRequest{ContainerId: c.ID}); err != nil {
				inUse[obs.sandboxOf[c.ID]] = true
				continue
			}
			w.acted.Add(1)
			logs, _ := filepath.Glob(filepath.Join(LogDirectory(w.cfg.PodLogsDir, pod), name, strconv.Itoa(int(c.RestartCount))+".log*"))
			for _, f := range logs {
				_ = os.Remove(f)
			}
			if w.cfg.RootDir != "" {
				_ = os.Remove(w.terminationLogPath(pod, name, c.RestartCount))
			}
		}
	}
	for i, sb := range obs.sandboxes { // newest first
		if i == 0 || sb.State == runtimeapi.PodSandboxState_SANDBOX_READY || inUse[sb.Id] {
			continue
		}
		if _, err := w.cfg.Runtime.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.Id}); err == nil {
			w.acted.Add(1)
		}
	}
}

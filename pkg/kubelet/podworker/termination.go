package podworker

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
)

// Limits on termination messages, as in Kubernetes.
const (
	maxTerminationMessage = 4096
	maxFallbackLogBytes   = 2048
	maxFallbackLogLines   = 80
)

// terminationLogPath is the host file mounted at a container instance's terminationMessagePath.
func (w *Worker) terminationLogPath(pod *corev1.Pod, name string, attempt int32) string {
	return filepath.Join(w.cfg.RootDir, "pods", string(pod.UID), "containers", name, strconv.Itoa(int(attempt)))
}

// terminationMount creates the termination log file and returns its mount, or nil.
func (w *Worker) terminationMount(pod *corev1.Pod, c *corev1.Container, attempt int32, mounts []*runtimeapi.Mount) (*runtimeapi.Mount, error) {
	path := c.TerminationMessagePath
	if path == "" {
		path = corev1.TerminationMessagePathDefault
	}
	if w.cfg.RootDir == "" {
		return nil, nil
	}
	for _, m := range mounts {
		if m.ContainerPath == path {
			return nil, nil
		}
	}
	host := w.terminationLogPath(pod, c.Name, attempt)
	if err := os.MkdirAll(filepath.Dir(host), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(host, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o666)
	if err != nil {
		return nil, err
	}
	f.Close()
	if err := os.Chmod(host, 0o666); err != nil {
		return nil, err
	}
	return &runtimeapi.Mount{ContainerPath: path, HostPath: host}, nil
}

// fillTerminationMessages sets the message of exited containers from their
// termination log, or from the log tail under FallbackToLogsOnError.
func (w *Worker) fillTerminationMessages(pod *corev1.Pod, obs *observed) {
	corev1.VisitContainers(&pod.Spec, func(c *corev1.Container) bool {
		list := obs.containers[c.Name]
		for i := range list {
			inst := &list[i]
			if inst.State != runtimeapi.ContainerState_CONTAINER_EXITED || inst.Message != "" {
				continue
			}
			if w.cfg.RootDir != "" {
				if data, err := os.ReadFile(w.terminationLogPath(pod, c.Name, inst.RestartCount)); err == nil && len(data) > 0 {
					if len(data) > maxTerminationMessage {
						data = data[:maxTerminationMessage]
					}
					inst.Message = string(data)
					continue
				}
			}
			if c.TerminationMessagePolicy == corev1.TerminationMessageFallbackToLogsOnError && inst.ExitCode != 0 {
				inst.Message = logTail(filepath.Join(LogDirectory(w.cfg.PodLogsDir, pod), c.Name, strconv.Itoa(int(inst.RestartCount))+".log"))
			}
		}
		return true
	})
}

// logTail returns the last lines of a CRI-format log file, without the
// timestamp/stream/tag prefixes.
func logTail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > maxFallbackLogLines {
		lines = lines[len(lines)-maxFallbackLogLines:]
	}
	var b strings.Builder
	for _, l := range lines {
		parts := strings.SplitN(l, " ", 4)
		if len(parts) == 4 {
			b.WriteString(parts[3])
			if parts[2] == "F" {
				b.WriteByte('\n')
			}
		}
	}
	out := b.String()
	if len(out) > maxFallbackLogBytes {
		out = out[len(out)-maxFallbackLogBytes:]
	}
	return out
}

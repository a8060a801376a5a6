package podworker

import (
	"context"
	"fmt"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/prober"
	"keel.dev/keel/pkg/kubelet/status"
)

const (
	exited  = runtimeapi.ContainerState_CONTAINER_EXITED
	running = runtimeapi.ContainerState_CONTAINER_RUNNING
)

// syncRunning advances a live pod: sandbox, probes, init containers, app containers.
func (w *Worker) syncRunning(ctx context.Context, pod *corev1.Pod, obs *observed) error {
	if !obs.ready() {
		// a new sandbox: hold a start slot until this pass has started the
		// pod's first containers (image pulls and postStart hooks free it).
		// Volumes are set up inside the slot too, so that a batch of pods
		// spends its first CPU on the pods whose turn it is.
		w.startSlot = w.cfg.gate.acquire(ctx)
		defer w.releaseStartSlot()
	}
	now := w.cfg.Clock.Now()
	if !w.volumesDone && w.cfg.Volumes != nil {
		if err := w.cfg.Volumes.SetUp(ctx, pod); err != nil {
			w.cfg.Recorder.Eventf(pod, EventWarning, "FailedMount", "%v", err)
			return fmt.Errorf("volumes: %w", err)
		}
		w.volumesDone, w.volumesAt = true, now
	} else if w.cfg.Volumes != nil && now.Sub(w.volumesAt) >= w.cfg.VolumeResyncPeriod {
		// resync configMap/secret/downwardAPI contents.
		_ = w.cfg.Volumes.SetUp(ctx, pod)
		w.volumesAt = now
	}
	sandboxID, err := w.ensureSandbox(ctx, pod, obs)
	if err != nil {
		return err
	}
	podIP := ""
	if ips := obs.podIPs(); len(ips) > 0 {
		podIP = ips[0]
	} else if len(w.cfg.HostIPs) > 0 {
		podIP = w.cfg.HostIPs[0]
	}
	w.runProbes(ctx, pod, obs, podIP)

	// init containers, one at a time; sidecars start and stay up.
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		l := obs.latest(c.Name)
		if corev1.IsRestartableInitContainer(c) {
			if l == nil || l.State != running {
				return w.maybeStart(ctx, pod, c, l, sandboxID, obs, podIP, true)
			}
			if !w.probes.Started(l.ID, c) {
				return nil
			}
			continue
		}
		// init containers run again in a new sandbox.
		doneHere := l != nil && obs.sandboxOf[l.ID] == sandboxID
		switch {
		case l == nil:
			return w.maybeStart(ctx, pod, c, nil, sandboxID, obs, podIP, false)
		case l.State == running:
			return nil
		case l.State == exited && l.ExitCode == 0 && doneHere:
			continue
		case l.State == exited && l.ExitCode == 0:
			return w.startContainer(ctx, pod, c, l.RestartCount+1, sandboxID, obs, podIP)
		case l.State == exited:
			if pod.Spec.RestartPolicy == corev1.RestartPolicyNever {
				return nil // the pod fails
			}
			return w.maybeStart(ctx, pod, c, l, sandboxID, obs, podIP, false)
		default:
			return w.maybeStart(ctx, pod, c, l, sandboxID, obs, podIP, false)
		}
	}
	var errs []error
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		l := obs.latest(c.Name)
		if l != nil && l.State == running {
			w.setWaiting(c.Name, "", "")
			continue
		}
		if l != nil && l.State == exited && !shouldRestart(pod, c, l) {
			w.setWaiting(c.Name, "", "")
			continue
		}
		if err := w.maybeStart(ctx, pod, c, l, sandboxID, obs, podIP, false); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// shouldRestart applies the container's or the pod's restart policy to an exited container.
func shouldRestart(pod *corev1.Pod, c *corev1.Container, l *status.Container) bool {
	policy := string(pod.Spec.RestartPolicy)
	if c.RestartPolicy != nil {
		policy = string(*c.RestartPolicy)
	}
	switch policy {
	case string(corev1.RestartPolicyNever):
		return false
	case string(corev1.RestartPolicyOnFailure):
		return l.ExitCode != 0
	}
	return true
}

// runProbes probes running containers and kills those whose liveness or startup probe failed.
func (w *Worker) runProbes(ctx context.Context, pod *corev1.Pod, obs *observed, podIP string) {
	var targets []prober.Target
	keep := map[string]bool{}
	byID := map[string]*corev1.Container{}
	corev1.VisitContainers(&pod.Spec, func(c *corev1.Container) bool {
		l := obs.latest(c.Name)
		if l == nil || l.State != running {
			return true
		}
		keep[l.ID] = true
		cc := *c
		byID[l.ID] = &cc
		if c.LivenessProbe != nil || c.ReadinessProbe != nil || c.StartupProbe != nil {
			targets = append(targets, prober.Target{Pod: pod, Container: &cc, ID: l.ID, StartedAt: l.StartedAt, PodIP: podIP})
		}
		return true
	})
	w.probes.Forget(keep)
	w.probes.Run(ctx, targets)
	// every failed run is an Unhealthy event, as in Kubernetes (repeats
	// are folded into one event's count by the recorder).
	for _, f := range w.probes.TakeFailures() {
		w.cfg.Recorder.Eventf(pod, EventWarning, "Unhealthy", "%s probe failed: %s", f.Kind, f.Output)
	}
	for _, t := range targets {
		failed, kind, _ := w.probes.Failed(t.ID, t.Container)
		if !failed {
			continue
		}
		grace := gracePeriod(pod)
		if p := probeFor(t.Container, kind); p != nil && p.TerminationGracePeriodSeconds != nil {
			grace = *p.TerminationGracePeriodSeconds
		}
		why := fmt.Sprintf("Container %s failed %s probe, will be restarted", t.Container.Name, kindWord(kind))
		_ = w.stopContainer(ctx, pod, t.Container, t.ID, podIP, grace, why)
		if l := obs.latest(t.Container.Name); l != nil && l.ID == t.ID {
			l.State = exited
			l.ExitCode = 137
			l.FinishedAt = w.cfg.Clock.Now()
		}
	}
}

func kindWord(k prober.Kind) string {
	if k == prober.Startup {
		return "startup"
	}
	return "liveness"
}

func probeFor(c *corev1.Container, k prober.Kind) *corev1.Probe {
	if k == prober.Startup {
		return c.StartupProbe
	}
	return c.LivenessProbe
}

// maybeStart starts container c (a restart when l is its previous instance),
// honouring the crash-loop back-off.
func (w *Worker) maybeStart(ctx context.Context, pod *corev1.Pod, c *corev1.Container, l *status.Container, sandboxID string, obs *observed, podIP string, sidecar bool) error {
	key := string(pod.UID) + "/" + c.Name
	attempt := int32(0)
	if l != nil {
		attempt = l.RestartCount + 1
		if l.State == exited {
			ts := l.FinishedAt
			if w.cfg.Backoff.InBackoffSince(key, ts) {
				d := w.cfg.Backoff.Get(key)
				msg := fmt.Sprintf("back-off %s restarting failed container=%s pod=%s", d, c.Name, podDesc(pod))
				w.setWaiting(c.Name, status.ReasonCrashLoopBackOff, msg)
				return nil
			}
			w.cfg.Backoff.Next(key, ts)
		}
	}
	if err := w.startContainer(ctx, pod, c, attempt, sandboxID, obs, podIP); err != nil {
		return err
	}
	w.setWaiting(c.Name, "", "")
	return nil
}

// stopAll stops every running container of the pod (app containers first,
// then sidecars in reverse order) and the sandbox.
func (w *Worker) stopAll(ctx context.Context, pod *corev1.Pod, obs *observed, grace int64) {
	podIP := ""
	if ips := obs.podIPs(); len(ips) > 0 {
		podIP = ips[0]
	}
	deadline := w.cfg.Clock.Now().Add(time.Duration(grace) * time.Second)
	stopGroup := func(list []*corev1.Container) {
		done := make(chan struct{}, len(list))
		n := 0
		for _, c := range list {
			l := obs.latest(c.Name)
			if l == nil || l.State != running {
				continue
			}
			n++
			go func(c *corev1.Container, id string) {
				left := int64(deadline.Sub(w.cfg.Clock.Now()) / time.Second)
				_ = w.killContainer(ctx, pod, c, id, podIP, left)
				done <- struct{}{}
			}(c, l.ID)
		}
		for ; n > 0; n-- {
			<-done
		}
	}
	var apps, sidecars []*corev1.Container
	for i := range pod.Spec.Containers {
		apps = append(apps, &pod.Spec.Containers[i])
	}
	stopGroup(apps)
	for i := len(pod.Spec.InitContainers) - 1; i >= 0; i-- {
		sidecars = append(sidecars, &pod.Spec.InitContainers[i])
	}
	for _, s := range sidecars {
		stopGroup([]*corev1.Container{s})
	}
	for _, sb := range obs.sandboxes {
		if sb.State == runtimeapi.PodSandboxState_SANDBOX_READY {
			if _, err := w.cfg.Runtime.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.Id}); err != nil {
				w.cfg.Recorder.Eventf(pod, EventWarning, "FailedKillPod", "error killing pod: %v", err)
			}
		}
	}
}

// killContainer runs the preStop hook and stops the container with what is
// left of grace seconds (at least 2, like Kubernetes).
func (w *Worker) killContainer(ctx context.Context, pod *corev1.Pod, c *corev1.Container, id, podIP string, grace int64) error {
	return w.stopContainer(ctx, pod, c, id, podIP, grace, "Stopping container "+c.Name)
}

// stopContainer is killContainer with the message of its Killing event.
func (w *Worker) stopContainer(ctx context.Context, pod *corev1.Pod, c *corev1.Container, id, podIP string, grace int64, why string) error {
	w.acted.Add(1) // the pod's next observation must see the stop
	start := w.cfg.Clock.Now()
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && grace > 0 {
		hctx, cancel := context.WithTimeout(ctx, time.Duration(grace)*time.Second)
		if err := w.hooks.Run(hctx, pod, c, id, podIP, c.Lifecycle.PreStop); err != nil {
			w.cfg.Recorder.Eventf(pod, EventWarning, "FailedPreStopHook", "PreStopHook failed: %v", err)
		}
		cancel()
		grace -= int64(w.cfg.Clock.Now().Sub(start) / time.Second)
	}
	if grace < 2 {
		grace = 2
	}
	w.cfg.Recorder.Eventf(pod, EventNormal, "Killing", "%s", why)
	if _, err := w.cfg.Runtime.StopContainer(ctx, &runtimeapi.StopContainerRequest{ContainerId: id, Timeout: grace}); err != nil {
		return fmt.Errorf("stop container %s: %w", c.Name, err)
	}
	return nil
}

// terminate tears a deleted pod down: hooks, stop with grace, sandbox
// stopped and removed, volumes torn down, then PodTerminated.
func (w *Worker) terminate(ctx context.Context, pod *corev1.Pod, obs *observed) (corev1.PodStatus, error) {
	w.stopAll(ctx, pod, obs, gracePeriod(pod))
	final, err := w.observe(ctx)
	if err != nil {
		return corev1.PodStatus{}, err
	}
	view := pod.DeepCopy()
	view.Spec.RestartPolicy = corev1.RestartPolicyNever
	w.mu.Lock()
	w.waiting = map[string]status.Waiting{}
	w.mu.Unlock()
	st := w.compute(view, final)
	for _, sb := range final.sandboxes {
		if _, err := w.cfg.Runtime.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.Id}); err != nil {
			return st, fmt.Errorf("remove sandbox: %w", err)
		}
	}
	if w.cfg.Volumes != nil {
		if err := w.cfg.Volumes.TearDown(pod); err != nil {
			return st, fmt.Errorf("tear down volumes: %w", err)
		}
	}
	w.publish(pod, st)
	w.mu.Lock()
	w.terminated = true
	w.mu.Unlock()
	w.cfg.Sink.PodTerminated(pod)
	return st, nil
}

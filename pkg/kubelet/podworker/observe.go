package podworker

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/status"
)

// observed is the runtime's view of one pod.
type observed struct {
	sandboxes  []*runtimeapi.PodSandbox // newest first
	sandbox    *runtimeapi.PodSandboxStatus
	containers map[string][]status.Container // newest first
	sandboxOf  map[string]string             // container ID -> sandbox ID
}

func (o *observed) ready() bool {
	return o.sandbox != nil && o.sandbox.State == runtimeapi.PodSandboxState_SANDBOX_READY
}

func (o *observed) podIPs() []string {
	if o.sandbox == nil || o.sandbox.Network == nil || o.sandbox.Network.Ip == "" {
		return nil
	}
	ips := []string{o.sandbox.Network.Ip}
	for _, ip := range o.sandbox.Network.AdditionalIps {
		ips = append(ips, ip.Ip)
	}
	return ips
}

func (o *observed) latest(name string) *status.Container {
	if l := o.containers[name]; len(l) > 0 {
		return &l[0]
	}
	return nil
}

func nanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// statusCache keeps the last sandbox and container statuses a worker read,
// so that an observation asks the runtime only about what its lists show
// as changed: a status is reused while the listed state is the one it had.
// Only the worker's goroutine uses it.
type statusCache struct {
	sandbox    *runtimeapi.PodSandboxStatus
	containers map[string]*runtimeapi.ContainerStatus
}

// sandboxStatus returns the status of sb, from the cache when sb's listed
// state is the cached one.
func (w *Worker) sandboxStatus(ctx context.Context, sb *runtimeapi.PodSandbox) (*runtimeapi.PodSandboxStatus, error) {
	if c := w.cache.sandbox; c != nil && c.Id == sb.Id && c.State == sb.State {
		return c, nil
	}
	st, err := w.cfg.Runtime.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: sb.Id})
	if err != nil {
		return nil, err
	}
	w.cache.sandbox = st.Status
	return st.Status, nil
}

// containerStatuses returns the statuses of the listed containers, asking
// the runtime only about those new or in another state than cached ones.
func (w *Worker) containerStatuses(ctx context.Context, list []*runtimeapi.Container) []*runtimeapi.ContainerStatus {
	old := w.cache.containers
	w.cache.containers = make(map[string]*runtimeapi.ContainerStatus, len(list))
	out := make([]*runtimeapi.ContainerStatus, 0, len(list))
	for _, c := range list {
		s := old[c.Id]
		if s == nil || s.State != c.State || c.State == runtimeapi.ContainerState_CONTAINER_CREATED {
			resp, err := w.cfg.Runtime.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: c.Id})
			if err != nil {
				continue // removed meanwhile
			}
			s = resp.Status
		}
		w.cache.containers[c.Id] = s
		out = append(out, s)
	}
	return out
}

func (w *Worker) observe(ctx context.Context) (*observed, error) {
	return w.observeFrom(ctx, nil)
}

// observeShared is observe from the node-wide listing when one began after
// the worker's previous pass ended (so it shows everything that pass did).
func (w *Worker) observeShared(ctx context.Context) (*observed, error) {
	return w.observeFrom(ctx, w.cfg.relist.since(ctx, w.lastPassEnd))
}

func (w *Worker) observeFrom(ctx context.Context, snap *relistSnapshot) (*observed, error) {
	rt := w.cfg.Runtime
	uid := string(w.uid)
	o := &observed{containers: map[string][]status.Container{}, sandboxOf: map[string]string{}}
	var listed []*runtimeapi.Container
	if snap != nil {
		o.sandboxes = append([]*runtimeapi.PodSandbox(nil), snap.sandboxes[uid]...)
		listed = snap.containers[uid]
	} else {
		sbs, err := rt.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{Filter: &runtimeapi.PodSandboxFilter{LabelSelector: map[string]string{cri.LabelPodUID: uid}}})
		if err != nil {
			return nil, fmt.Errorf("list sandboxes: %w", err)
		}
		o.sandboxes = sbs.Items
	}
	sort.Slice(o.sandboxes, func(i, j int) bool {
		a, b := o.sandboxes[i], o.sandboxes[j]
		if a.Metadata.GetAttempt() != b.Metadata.GetAttempt() {
			return a.Metadata.GetAttempt() > b.Metadata.GetAttempt()
		}
		return a.CreatedAt > b.CreatedAt
	})
	if len(o.sandboxes) > 0 {
		st, err := w.sandboxStatus(ctx, o.sandboxes[0])
		if err != nil {
			return nil, fmt.Errorf("sandbox status: %w", err)
		}
		o.sandbox = st
	}
	if snap == nil {
		cs, err := rt.ListContainers(ctx, &runtimeapi.ListContainersRequest{Filter: &runtimeapi.ContainerFilter{LabelSelector: map[string]string{cri.LabelPodUID: uid}}})
		if err != nil {
			return nil, fmt.Errorf("list containers: %w", err)
		}
		listed = cs.Containers
	}
	sandboxOf := make(map[string]string, len(listed))
	for _, c := range listed {
		sandboxOf[c.Id] = c.PodSandboxId
	}
	for _, s := range w.containerStatuses(ctx, listed) {
		rc, _ := strconv.Atoi(s.Annotations[cri.AnnotationRestarts])
		name := s.Labels[cri.LabelContainerName]
		if name == "" {
			name = s.Metadata.GetName()
		}
		o.sandboxOf[s.Id] = sandboxOf[s.Id]
		o.containers[name] = append(o.containers[name], status.Container{
			ID: s.Id, Name: name, State: s.State, CreatedAt: nanos(s.CreatedAt), StartedAt: nanos(s.StartedAt),
			FinishedAt: nanos(s.FinishedAt), ExitCode: s.ExitCode, Reason: s.Reason, Message: s.Message,
			ImageRef: s.ImageRef, RestartCount: int32(rc),
		})
	}
	for _, l := range o.containers {
		sort.Slice(l, func(i, j int) bool {
			if l[i].RestartCount != l[j].RestartCount {
				return l[i].RestartCount > l[j].RestartCount
			}
			return l[i].CreatedAt.After(l[j].CreatedAt)
		})
	}
	return o, nil
}

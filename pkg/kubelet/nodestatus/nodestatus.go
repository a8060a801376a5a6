package nodestatus

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/cri"
)

// KubeletVersion is the version the kubelet reports in node info.
const KubeletVersion = "v1.32.4-keel"

// Well-known node labels and taints.
const (
	LabelHostname           = "kubernetes.io/hostname"
	LabelOS                 = "kubernetes.io/os"
	LabelArch               = "kubernetes.io/arch"
	TaintCloudUninitialized = "node.cloudprovider.kubernetes.io/uninitialized"
	// LeaseNamespace holds the node heartbeats.
	LeaseNamespace = "kube-node-lease"
)

// maxImages caps status.images like Kubernetes' default nodeStatusMaxImages.
const maxImages = 50

// Config is what the node status controller needs.
type Config struct {
	Client   *typed.Clientset
	Runtime  cri.Service
	NodeName string
	// Hostname is reported as the Hostname address and hostname label.
	Hostname string
	// NodeIP is the InternalIP; empty uses Machine.DefaultAddressIP.
	NodeIP string
	Labels map[string]string
	Taints []corev1.Taint
	// MaxPods is the pods capacity (110).
	MaxPods int64
	// Reserved is subtracted from capacity (kube + system reserved).
	Reserved    corev1.ResourceList
	Machine     Machine
	KubeletPort int32
	// OmitEphemeralStorage leaves ephemeral-storage out of capacity and
	// allocatable, as Kubernetes does with localStorageCapacityIsolation
	// set to false.
	OmitEphemeralStorage bool
	// UpdateFrequency is how often status is computed (10 s); it is
	// written only when changed or every ForceUpdatePeriod (5 min).
	UpdateFrequency   time.Duration
	ForceUpdatePeriod time.Duration
	// LeaseRenew is the lease renewal interval (10 s); LeaseDuration 40 s.
	LeaseRenew    time.Duration
	LeaseDuration int32
	// Pressure reports whether the node has a MemoryPressure, DiskPressure
	// or PIDPressure condition (the eviction manager); nil reports none.
	Pressure func(corev1.NodeConditionType) bool
	Clock    clock.Clock
	Logger   *slog.Logger
}

// Controller registers the node and keeps its status and lease fresh.
type Controller struct {
	cfg Config

	mu         sync.Mutex
	node       *corev1.Node
	lastPosted *corev1.NodeStatus
	lastPostAt time.Time
	lease      *coordinationLease
	onNode     []func(*corev1.Node)
}

// New returns a controller, filling in defaults.
func New(cfg Config) *Controller {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxPods == 0 {
		cfg.MaxPods = 110
	}
	if cfg.UpdateFrequency == 0 {
		cfg.UpdateFrequency = 10 * time.Second
	}
	if cfg.ForceUpdatePeriod == 0 {
		cfg.ForceUpdatePeriod = 5 * time.Minute
	}
	if cfg.LeaseRenew == 0 {
		cfg.LeaseRenew = 10 * time.Second
	}
	if cfg.LeaseDuration == 0 {
		cfg.LeaseDuration = 40
	}
	if cfg.Hostname == "" {
		cfg.Hostname = cfg.NodeName
	}
	if cfg.NodeIP == "" {
		cfg.NodeIP = cfg.Machine.DefaultAddressIP
	}
	return &Controller{cfg: cfg}
}

// OnNode registers fn to be called with every Node object read or written.
func (c *Controller) OnNode(fn func(*corev1.Node)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onNode = append(c.onNode, fn)
}

// Node returns the last known Node object (nil before Register).
func (c *Controller) Node() *corev1.Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.node
}

// HostIP is the node's InternalIP.
func (c *Controller) HostIP() string { return c.cfg.NodeIP }

func (c *Controller) setNode(n *corev1.Node) {
	c.mu.Lock()
	c.node = n
	fns := append([]func(*corev1.Node){}, c.onNode...)
	c.mu.Unlock()
	for _, fn := range fns {
		fn(n)
	}
}

// Capacity returns the node's capacity from the machine and max pods
// (ephemeral storage unless OmitEphemeralStorage).
func (c *Controller) Capacity() corev1.ResourceList {
	m := c.cfg.Machine
	out := corev1.ResourceList{
		corev1.ResourceCPU:    *resource.NewQuantity(int64(m.NumCPU), resource.DecimalSI),
		corev1.ResourceMemory: *resource.NewQuantity(m.MemoryBytes, resource.BinarySI),
		corev1.ResourcePods:   *resource.NewQuantity(c.cfg.MaxPods, resource.DecimalSI),
	}
	if !c.cfg.OmitEphemeralStorage {
		out[corev1.ResourceEphemeralStorage] = *resource.NewQuantity(m.EphemeralBytes, resource.BinarySI)
	}
	return out
}

// Allocatable returns capacity minus reserved, floored at zero.
func (c *Controller) Allocatable() corev1.ResourceList {
	out := corev1.ResourceList{}
	for name, q := range c.Capacity() {
		q = q.DeepCopy()
		if r, ok := c.cfg.Reserved[name]; ok {
			q.Sub(r)
			if q.CmpInt64(0) < 0 {
				q = *resource.NewQuantity(0, q.Format)
			}
		}
		out[name] = q
	}
	return out
}

// labels returns the labels the kubelet owns on its node.
func (c *Controller) labels() map[string]string {
	l := map[string]string{
		LabelHostname: c.cfg.Hostname,
		LabelOS:       c.cfg.Machine.OperatingSystem,
		LabelArch:     c.cfg.Machine.Architecture,
	}
	for k, v := range c.cfg.Labels {
		l[k] = v
	}
	return l
}

// Register creates the Node or adopts an existing one of the same name
// (reconciling the kubelet-owned labels), then posts its status.
func (c *Controller) Register(ctx context.Context) (*corev1.Node, error) {
	nodes := c.cfg.Client.CoreV1().Nodes()
	want := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: c.cfg.NodeName, Labels: c.labels()},
		Spec:       corev1.NodeSpec{Taints: append([]corev1.Taint(nil), c.cfg.Taints...)},
	}
	st, err := c.computeStatus(ctx, nil)
	if err != nil {
		return nil, err
	}
	want.Status = st
	created, err := nodes.Create(ctx, want, metav1.CreateOptions{})
	switch {
	case err == nil:
		c.cfg.Logger.Info("registered node", "node", c.cfg.NodeName)
		c.setNode(created)
	case apierrors.IsAlreadyExists(err):
		existing, err := nodes.Get(ctx, c.cfg.NodeName, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("get existing node: %w", err)
		}
		changed := false
		if existing.Labels == nil {
			existing.Labels = map[string]string{}
		}
		for k, v := range c.labels() {
			if existing.Labels[k] != v {
				existing.Labels[k] = v
				changed = true
			}
		}
		if changed {
			if existing, err = nodes.Update(ctx, existing, metav1.UpdateOptions{}); err != nil {
				return nil, fmt.Errorf("update existing node: %w", err)
			}
		}
		c.cfg.Logger.Info("adopted existing node", "node", c.cfg.NodeName)
		c.setNode(existing)
	default:
		return nil, fmt.Errorf("register node %s: %w", c.cfg.NodeName, err)
	}
	if _, err := c.SyncStatus(ctx, true); err != nil {
		return nil, err
	}
	return c.Node(), nil
}

// Run keeps status and lease fresh until ctx ends; Register first.
func (c *Controller) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		c.loop(ctx, c.cfg.UpdateFrequency, func() error { _, err := c.SyncStatus(ctx, false); return err }, "node status")
	}()
	go func() {
		defer wg.Done()
		c.loop(ctx, c.cfg.LeaseRenew, func() error { return c.RenewLease(ctx) }, "node lease")
	}()
	wg.Wait()
}

func (c *Controller) loop(ctx context.Context, every time.Duration, fn func() error, what string) {
	for {
		if err := fn(); err != nil && ctx.Err() == nil {
			c.cfg.Logger.Warn("update failed", "what", what, "node", c.cfg.NodeName, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-c.cfg.Clock.After(every):
		}
	}
}

// SyncStatus computes the node status and writes it when it changed, when
// ForceUpdatePeriod passed since the last write, or when force is set.
// It reports whether it wrote.
func (c *Controller) SyncStatus(ctx context.Context, force bool) (bool, error) {
	nodes := c.cfg.Client.CoreV1().Nodes()
	for attempt := 0; ; attempt++ {
		node, err := nodes.Get(ctx, c.cfg.NodeName, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Errorf("get node: %w", err)
		}
		c.setNode(node)
		st, err := c.computeStatus(ctx, &node.Status)
		if err != nil {
			return false, err
		}
		c.mu.Lock()
		due := force || c.lastPosted == nil || !sameStatus(c.lastPosted, &st) || !sameStatus(&node.Status, &st) ||
			c.cfg.Clock.Now().Sub(c.lastPostAt) >= c.cfg.ForceUpdatePeriod
		c.mu.Unlock()
		if !due {
			return false, nil
		}
		node = node.DeepCopy()
		node.Status = st
		updated, err := nodes.UpdateStatus(ctx, node, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) && attempt < 5 {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("update node status: %w", err)
		}
		c.mu.Lock()
		c.lastPosted = st.DeepCopy()
		c.lastPostAt = c.cfg.Clock.Now()
		c.mu.Unlock()
		c.setNode(updated)
		return true, nil
	}
}

// computeStatus builds the node status; old carries the previous
// conditions so unchanged ones keep their transition time.
func (c *Controller) computeStatus(ctx context.Context, old *corev1.NodeStatus) (corev1.NodeStatus, error) {
	now := metav1.NewTime(c.cfg.Clock.Now())
	m := c.cfg.Machine
	st := corev1.NodeStatus{
		Capacity:    c.Capacity(),
		Allocatable: c.Allocatable(),
		Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: c.cfg.NodeIP},
			{Type: corev1.NodeHostName, Address: c.cfg.Hostname},
		},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: c.cfg.KubeletPort}},
		NodeInfo: corev1.NodeSystemInfo{
			MachineID: m.MachineID, SystemUUID: m.MachineID, BootID: m.BootID, KernelVersion: m.KernelVersion,
			OSImage: m.OSImage, KubeletVersion: KubeletVersion,
			OperatingSystem: m.OperatingSystem, Architecture: m.Architecture,
		},
	}
	if old != nil {
		st.Phase = old.Phase
		st.VolumesInUse = old.VolumesInUse
		st.VolumesAttached = old.VolumesAttached
	}
	readyStatus, readyReason, readyMsg := corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"
	if v, err := c.cfg.Runtime.Version(ctx, &runtimeapi.VersionRequest{Version: "v1"}); err == nil {
		st.NodeInfo.ContainerRuntimeVersion = v.RuntimeName + "://" + v.RuntimeVersion
	}
	if msg := runtimeProblem(ctx, c.cfg.Runtime); msg != "" {
		readyStatus, readyReason, readyMsg = corev1.ConditionFalse, "KubeletNotReady", msg
	}
	if imgs, err := c.cfg.Runtime.ListImages(ctx, &runtimeapi.ListImagesRequest{}); err == nil {
		st.Images = images(imgs.Images)
	}
	conds := []corev1.NodeCondition{
		c.pressure(corev1.NodeMemoryPressure, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available",
			"KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
		c.pressure(corev1.NodeDiskPressure, "KubeletHasDiskPressure", "kubelet has disk pressure",
			"KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
		c.pressure(corev1.NodePIDPressure, "KubeletHasInsufficientPID", "kubelet has insufficient PID available",
			"KubeletHasSufficientPID", "kubelet has sufficient PID available"),
		{Type: corev1.NodeReady, Status: readyStatus, Reason: readyReason, Message: readyMsg},
	}
	for i := range conds {
		conds[i].LastHeartbeatTime = now
		conds[i].LastTransitionTime = now
		if old == nil {
			continue
		}
		for _, o := range old.Conditions {
			if o.Type == conds[i].Type && o.Status == conds[i].Status {
				conds[i].LastTransitionTime = o.LastTransitionTime
			}
		}
	}
	st.Conditions = conds
	return st, nil
}

// pressure builds a pressure condition from the Pressure hook.
func (c *Controller) pressure(t corev1.NodeConditionType, trueReason, trueMsg, falseReason, falseMsg string) corev1.NodeCondition {
	if c.cfg.Pressure != nil && c.cfg.Pressure(t) {
		return corev1.NodeCondition{Type: t, Status: corev1.ConditionTrue, Reason: trueReason, Message: trueMsg}
	}
	return corev1.NodeCondition{Type: t, Status: corev1.ConditionFalse, Reason: falseReason, Message: falseMsg}
}

// runtimeProblem returns why the runtime is not ready, or "".
func runtimeProblem(ctx context.Context, rt cri.Service) string {
	resp, err := rt.Status(ctx, &runtimeapi.StatusRequest{})
	if err != nil {
		return "container runtime is down: " + err.Error()
	}
	var bad []string
	for _, cond := range resp.GetStatus().GetConditions() {
		if !cond.Status && (cond.Type == runtimeapi.RuntimeReady || cond.Type == runtimeapi.NetworkReady) {
			bad = append(bad, fmt.Sprintf("%s=false reason:%s message:%s", cond.Type, cond.Reason, cond.Message))
		}
	}
	if len(bad) > 0 {
		return "container runtime not ready: " + bad[0]
	}
	return ""
}

// images converts CRI images to node status images, biggest first.
func images(in []*runtimeapi.Image) []corev1.ContainerImage {
	out := make([]corev1.ContainerImage, 0, len(in))
	for _, img := range in {
		names := append(append([]string{}, img.RepoDigests...), img.RepoTags...)
		if len(names) == 0 {
			continue
		}
		out = append(out, corev1.ContainerImage{Names: names, SizeBytes: int64(img.GetSize())})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SizeBytes > out[j].SizeBytes })
	if len(out) > maxImages {
		out = out[:maxImages]
	}
	return out
}

// sameStatus compares two statuses ignoring heartbeat times.
func sameStatus(a, b *corev1.NodeStatus) bool {
	x, y := a.DeepCopy(), b.DeepCopy()
	for _, s := range []*corev1.NodeStatus{x, y} {
		for i := range s.Conditions {
			s.Conditions[i].LastHeartbeatTime = metav1.Time{}
			s.Conditions[i].LastTransitionTime = metav1.Time{}
		}
	}
	return equalJSON(x, y)
}

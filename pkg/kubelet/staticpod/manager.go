package staticpod

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/typed"
)

// Defaults of Config.
const (
	// DefaultResyncPeriod is how often the directory is re-read regardless
	// of changes (Kubernetes' file check frequency).
	DefaultResyncPeriod = 20 * time.Second
	// DefaultCheckPeriod is how often the directory listing is checked for
	// changes.
	DefaultCheckPeriod = time.Second
	// DefaultMirrorPeriod is how often mirror pods are reconciled.
	DefaultMirrorPeriod = 10 * time.Second
)

// Workers runs pods; the kubelet's pod worker manager implements it.
type Workers interface {
	UpdatePod(pod *corev1.Pod)
}

// MirrorLister lists the API's pods bound to this node (the kubelet's pod
// informer); ok is false while it has not synced.
type MirrorLister func() (pods []*corev1.Pod, ok bool)

// Config configures a Manager.
type Config struct {
	// Dir is the manifest directory (--pod-manifest-path).
	Dir      string
	NodeName string
	Workers  Workers
	// Client writes mirror pods; nil runs static pods without mirrors.
	Client *typed.Clientset
	// Mirrors lists the API pods of the node; nil reads them from Client.
	Mirrors      MirrorLister
	ResyncPeriod time.Duration
	CheckPeriod  time.Duration
	MirrorPeriod time.Duration
	Now          func() time.Time
	Logger       *slog.Logger
}

// Manager keeps the static pods read from Dir running and mirrored.
type Manager struct {
	cfg  Config
	kick chan struct{}

	mu       sync.Mutex
	pods     map[types.UID]*corev1.Pod // current static pods
	byName   map[string]*corev1.Pod    // namespace/name -> current static pod
	statuses map[types.UID]corev1.PodStatus
	nodeUID  types.UID
	synced   bool // the directory was read at least once
}

// New returns a Manager, filling in defaults.
func New(cfg Config) *Manager {
	if cfg.ResyncPeriod <= 0 {
		cfg.ResyncPeriod = DefaultResyncPeriod
	}
	if cfg.CheckPeriod <= 0 {
		cfg.CheckPeriod = DefaultCheckPeriod
	}
	if cfg.MirrorPeriod <= 0 {
		cfg.MirrorPeriod = DefaultMirrorPeriod
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Manager{cfg: cfg, kick: make(chan struct{}, 1), pods: map[types.UID]*corev1.Pod{},
		byName: map[string]*corev1.Pod{}, statuses: map[types.UID]corev1.PodStatus{}}
}

// Run reads the directory now, on every change seen by polling and every
// ResyncPeriod, and reconciles mirror pods, until ctx ends.
func (m *Manager) Run(ctx context.Context) {
	go m.runMirrors(ctx)
	last := ""
	lastRead := time.Time{}
	for {
		fp := fingerprint(m.cfg.Dir)
		if fp != last || m.cfg.Now().Sub(lastRead) >= m.cfg.ResyncPeriod {
			m.Load()
			last, lastRead = fp, m.cfg.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(m.cfg.CheckPeriod):
		}
	}
}

// Load reads the directory once and applies the result.
func (m *Manager) Load() {
	pods, errs := ReadDir(m.cfg.Dir, m.cfg.NodeName)
	for _, err := range errs {
		m.cfg.Logger.Error("static pod manifest skipped", "err", err)
	}
	m.SetPods(pods)
}

// SetPods makes pods the set of static pods: new ones start, vanished ones
// are stopped with their grace period, and mirrors are reconciled soon.
func (m *Manager) SetPods(pods []*corev1.Pod) {
	next := map[types.UID]*corev1.Pod{}
	for _, p := range pods {
		next[p.UID] = p.DeepCopy()
	}
	m.mu.Lock()
	var started, stopped []*corev1.Pod
	for uid, p := range next {
		if _, ok := m.pods[uid]; !ok {
			started = append(started, p)
		}
	}
	for uid, p := range m.pods {
		if _, ok := next[uid]; !ok {
			stopped = append(stopped, p)
			delete(m.statuses, uid)
		}
	}
	m.pods = next
	m.byName = map[string]*corev1.Pod{}
	for _, p := range next {
		m.byName[p.Namespace+"/"+p.Name] = p
	}
	m.synced = true
	m.mu.Unlock()
	for _, p := range stopped {
		m.cfg.Logger.Info("static pod removed", "pod", p.Namespace+"/"+p.Name, "uid", p.UID)
		d := p.DeepCopy()
		now := metav1.NewTime(m.cfg.Now())
		d.DeletionTimestamp = &now
		grace := int64(corev1.DefaultTerminationGracePeriodSeconds)
		if d.Spec.TerminationGracePeriodSeconds != nil {
			grace = *d.Spec.TerminationGracePeriodSeconds
		}
		d.DeletionGracePeriodSeconds = &grace
		m.cfg.Workers.UpdatePod(d)
	}
	for _, p := range started {
		m.cfg.Logger.Info("static pod added", "pod", p.Namespace+"/"+p.Name, "uid", p.UID)
		m.cfg.Workers.UpdatePod(p.DeepCopy())
	}
	if len(started)+len(stopped) > 0 {
		m.Kick()
	}
}

// Kick asks for a mirror reconciliation soon (informer handlers call it
// when a mirror pod changes).
func (m *Manager) Kick() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// Pods returns copies of the current static pods, sorted by namespace/name.
func (m *Manager) Pods() []*corev1.Pod {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*corev1.Pod, 0, len(m.pods))
	for _, p := range m.pods {
		out = append(out, p.DeepCopy())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Namespace+"/"+out[i].Name < out[j].Namespace+"/"+out[j].Name })
	return out
}

// Get returns the current static pod namespace/name.
func (m *Manager) Get(namespace, name string) (*corev1.Pod, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.byName[namespace+"/"+name]
	if !ok {
		return nil, false
	}
	return p.DeepCopy(), true
}

func (m *Manager) runMirrors(ctx context.Context) {
	if m.cfg.Client == nil {
		return
	}
	for {
		wait := m.cfg.MirrorPeriod
		if err := m.SyncMirrors(ctx); err != nil && ctx.Err() == nil {
			m.cfg.Logger.Debug("mirror pod sync", "err", err)
			// the API or the pod cache is not there yet: retry soon.
			wait = min(wait, time.Second)
		}
		select {
		case <-ctx.Done():
			return
		case <-m.kick:
		case <-time.After(wait):
		}
	}
}

// SyncMirrors makes the API's mirror pods match the static pods: missing
// ones are created (with the last known status), outdated or deleted ones
// are replaced, and mirrors of pods no longer in the directory are removed.
// It does nothing before the directory was read.
func (m *Manager) SyncMirrors(ctx context.Context) error {
	m.mu.Lock()
	synced := m.synced
	want := map[string]*corev1.Pod{}
	for k, p := range m.byName {
		want[k] = p.DeepCopy()
	}
	m.mu.Unlock()
	if !synced || m.cfg.Client == nil {
		return nil
	}
	existing, err := m.listNodePods(ctx)
	if err != nil {
		return err
	}
	var errs []error
	have := map[string]*corev1.Pod{}
	for _, p := range existing {
		key := p.Namespace + "/" + p.Name
		if !IsMirror(p) {
			continue
		}
		have[key] = p
		if s, ok := want[key]; !ok || p.Annotations[AnnotationConfigMirror] != s.Annotations[AnnotationConfigHash] || p.DeletionTimestamp != nil {
			if err := m.deleteMirror(ctx, p); err != nil {
				errs = append(errs, err)
			}
			delete(have, key)
		}
	}
	for key, s := range want {
		if _, ok := have[key]; ok {
			continue
		}
		if err := m.createMirror(ctx, s); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("mirror pods: %v", errs)
	}
	return nil
}

func (m *Manager) listNodePods(ctx context.Context) ([]*corev1.Pod, error) {
	if m.cfg.Mirrors != nil {
		pods, ok := m.cfg.Mirrors()
		if !ok {
			return nil, fmt.Errorf("pod cache not synced")
		}
		return pods, nil
	}
	list, err := m.cfg.Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=" + m.cfg.NodeName})
	if err != nil {
		return nil, fmt.Errorf("list pods of node: %w", err)
	}
	out := make([]*corev1.Pod, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, &list.Items[i])
	}
	return out, nil
}

// deleteMirror deletes a mirror pod at once, only that very object.
func (m *Manager) deleteMirror(ctx context.Context, p *corev1.Pod) error {
	zero := int64(0)
	uid := p.UID
	err := m.cfg.Client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero,
		Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("delete mirror pod %s/%s: %w", p.Namespace, p.Name, err)
	}
	m.cfg.Logger.Info("deleted mirror pod", "pod", p.Namespace+"/"+p.Name)
	return nil
}

// createMirror creates the mirror of static pod s and writes its status.
func (m *Manager) createMirror(ctx context.Context, s *corev1.Pod) error {
	nodeUID, err := m.node(ctx)
	if err != nil {
		return err
	}
	mirror := s.DeepCopy()
	mirror.UID, mirror.ResourceVersion = "", ""
	mirror.Status = corev1.PodStatus{}
	mirror.Annotations[AnnotationConfigMirror] = s.Annotations[AnnotationConfigHash]
	controller := true
	mirror.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: m.cfg.NodeName, UID: nodeUID, Controller: &controller}}
	created, err := m.cfg.Client.CoreV1().Pods(s.Namespace).Create(ctx, mirror, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil // an old mirror is still going away; the next pass retries
	}
	if err != nil {
		return fmt.Errorf("create mirror pod %s/%s: %w", s.Namespace, s.Name, err)
	}
	m.cfg.Logger.Info("created mirror pod", "pod", s.Namespace+"/"+s.Name)
	m.mu.Lock()
	st, ok := m.statuses[s.UID]
	m.mu.Unlock()
	if ok {
		created.Status = *st.DeepCopy()
		if _, err := m.cfg.Client.CoreV1().Pods(s.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("status of mirror pod %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	return nil
}

// node returns the UID of the Node object (cached once found).
func (m *Manager) node(ctx context.Context) (types.UID, error) {
	m.mu.Lock()
	uid := m.nodeUID
	m.mu.Unlock()
	if uid != "" {
		return uid, nil
	}
	n, err := m.cfg.Client.CoreV1().Nodes().Get(ctx, m.cfg.NodeName, metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("get node %s: %w", m.cfg.NodeName, err)
	}
	m.mu.Lock()
	m.nodeUID = n.UID
	m.mu.Unlock()
	return n.UID, nil
}

package objcache

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
)

// Defaults of Options.
const (
	DefaultSyncWait   = time.Second
	DefaultGetTimeout = 30 * time.Second
)

var (
	configMapsResource = schema.GroupResource{Resource: "configmaps"}
	secretsResource    = schema.GroupResource{Resource: "secrets"}
)

// Options configures a Manager.
type Options struct {
	// SyncWait bounds how long a read of a registered object waits for its
	// first list before it falls back to a direct GET (0: DefaultSyncWait).
	SyncWait time.Duration
	// GetTimeout bounds one direct GET (0: DefaultGetTimeout).
	GetTimeout time.Duration
	// Logger logs watches starting and stopping (nil: slog.Default()).
	Logger *slog.Logger
}

// Manager serves the ConfigMaps and Secrets of registered pods from one
// shared watch per object and everything else by direct GET. It
// implements the kubelet's envvars.Getter. All methods are safe for
// concurrent use and never block on the network except Get's fallback.
type Manager struct {
	ctx  context.Context
	cs   *typed.Clientset
	opts Options
	log  *slog.Logger

	mu   sync.Mutex
	pods map[types.UID]map[ref]struct{}
	objs map[ref]*entry

	// running counts the watches whose goroutine has not returned yet.
	running atomic.Int64
}

// entry is the shared watch of one object.
type entry struct {
	refs int
	stop context.CancelFunc
	done chan struct{}
	// inf is an *informers.Informer[*corev1.ConfigMap] or
	// *informers.Informer[*corev1.Secret], per the ref's kind.
	inf informers.Syncer
	// frozen is set once the object was seen immutable: its watch is
	// stopped and the cached copy is served until the last pod leaves.
	frozen atomic.Bool
}

// New returns a manager whose watches run until ctx ends.
func New(ctx context.Context, cs *typed.Clientset, opts Options) *Manager {
	if opts.SyncWait <= 0 {
		opts.SyncWait = DefaultSyncWait
	}
	if opts.GetTimeout <= 0 {
		opts.GetTimeout = DefaultGetTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Manager{ctx: ctx, cs: cs, opts: opts, log: opts.Logger,
		pods: map[types.UID]map[ref]struct{}{}, objs: map[ref]*entry{}}
}

// RegisterPod makes the manager watch what pod refers to, replacing what
// an earlier registration of the same pod UID referred to. Calling it
// again with an unchanged spec is cheap and starts nothing.
func (m *Manager) RegisterPod(pod *corev1.Pod) {
	if pod == nil || pod.UID == "" {
		return
	}
	refs := podRefs(pod)
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.pods[pod.UID]
	// Take the new references before dropping the old ones, so an object
	// the pod keeps referring to keeps its watch.
	for r := range refs {
		if _, had := old[r]; !had {
			m.acquire(r)
		}
	}
	for r := range old {
		if _, keep := refs[r]; !keep {
			m.release(r)
		}
	}
	if len(refs) == 0 {
		delete(m.pods, pod.UID)
		return
	}
	m.pods[pod.UID] = refs
}

// UnregisterPod drops pod's references; objects no registered pod refers
// to any more stop being watched. Unknown pods are ignored.
func (m *Manager) UnregisterPod(pod *corev1.Pod) {
	if pod == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for r := range m.pods[pod.UID] {
		m.release(r)
	}
	delete(m.pods, pod.UID)
}

// acquire counts one more reference to r, starting its watch if needed.
// m.mu is held.
func (m *Manager) acquire(r ref) {
	if e := m.objs[r]; e != nil {
		e.refs++
		return
	}
	ctx, cancel := context.WithCancel(m.ctx)
	e := &entry{refs: 1, stop: cancel, done: make(chan struct{})}
	var run func(context.Context)
	switch r.kind {
	case secretKind:
		inf := watchOne(m.cs.CoreV1().Secrets(r.namespace), secretsResource, r.name)
		freezeWhenImmutable(inf, e, func(s *corev1.Secret) bool { return s.Immutable != nil && *s.Immutable })
		e.inf, run = inf, inf.Run
	default:
		inf := watchOne(m.cs.CoreV1().ConfigMaps(r.namespace), configMapsResource, r.name)
		freezeWhenImmutable(inf, e, func(c *corev1.ConfigMap) bool { return c.Immutable != nil && *c.Immutable })
		e.inf, run = inf, inf.Run
	}
	m.objs[r] = e
	m.running.Add(1)
	m.log.Debug("watching object", "kind", r.kind.String(), "namespace", r.namespace, "name", r.name)
	go func() {
		defer close(e.done)
		defer m.running.Add(-1)
		run(ctx)
	}()
}

// release drops one reference to r, stopping its watch at zero. m.mu is held.
func (m *Manager) release(r ref) {
	e := m.objs[r]
	if e == nil {
		return
	}
	if e.refs--; e.refs > 0 {
		return
	}
	delete(m.objs, r)
	e.stop()
	m.log.Debug("stopped watching object", "kind", r.kind.String(), "namespace", r.namespace, "name", r.name)
}

// freezeWhenImmutable stops e's watch once inf sees its object marked
// immutable, as Kubernetes' kubelet does: such an object can no longer
// change (only be deleted and recreated, which running pods do not follow),
// so watching it would only cost the apiserver a connection per object.
// The informer's cache keeps the last copy, which keeps being served.
func freezeWhenImmutable[T typed.Object](inf *informers.Informer[T], e *entry, immutable func(T) bool) {
	check := func(obj T) {
		if immutable(obj) && !e.frozen.Swap(true) {
			e.stop()
		}
	}
	inf.AddEventHandler(informers.HandlerFuncs[T]{
		AddFunc:    func(obj T, _ bool) { check(obj) },
		UpdateFunc: func(_, obj T) { check(obj) },
	})
}

// watchOne returns an informer over the single object name of c's
// namespace, storing objects without managedFields. It is not started.
func watchOne[T typed.Object, L typed.List](c *typed.Client[T, L], gr schema.GroupResource, name string) *informers.Informer[T] {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := informers.FromClient(c, func(o *metav1.ListOptions) { o.FieldSelector = sel })
	return informers.NewInformer[T](lw, gr, 0, informers.WithTransform(func(obj T) T {
		obj.SetManagedFields(nil)
		return obj
	}))
}

// GetConfigMap returns the ConfigMap namespace/name: from the shared watch
// when a registered pod refers to it, otherwise (or while the first list
// is still pending after SyncWait) by a direct GET. A missing ConfigMap is
// the apiserver's NotFound error.
func (m *Manager) GetConfigMap(namespace, name string) (*corev1.ConfigMap, error) {
	return get(m, ref{kind: configMapKind, namespace: namespace, name: name}, m.cs.CoreV1().ConfigMaps(namespace))
}

// GetSecret returns the Secret namespace/name, like GetConfigMap.
func (m *Manager) GetSecret(namespace, name string) (*corev1.Secret, error) {
	return get(m, ref{kind: secretKind, namespace: namespace, name: name}, m.cs.CoreV1().Secrets(namespace))
}

// get reads r from its watch if it has one that has synced (waiting up to
// SyncWait for the first list), and through c otherwise.
func get[T typed.Object, L typed.List](m *Manager, r ref, c *typed.Client[T, L]) (T, error) {
	m.mu.Lock()
	e := m.objs[r]
	m.mu.Unlock()
	if e != nil {
		if inf, ok := e.inf.(*informers.Informer[T]); ok && m.waitSynced(e) {
			obj, err := inf.Lister().Get(r.namespace, r.name)
			if err != nil {
				return obj, err
			}
			return obj.DeepCopyObject().(T), nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.opts.GetTimeout)
	defer cancel()
	return c.Get(ctx, r.name, metav1.GetOptions{})
}

// waitSynced reports whether e's first list is done, waiting up to
// SyncWait for it; a stopped watch stops the wait.
func (m *Manager) waitSynced(e *entry) bool {
	if e.inf.HasSynced() {
		return true
	}
	ctx, cancel := context.WithTimeout(m.ctx, m.opts.SyncWait)
	defer cancel()
	go func() {
		select {
		case <-e.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	// A watch that stops right after its first list (an immutable object)
	// ends the wait, but its cache is complete.
	return informers.WaitForCacheSync(ctx, e.inf) || e.inf.HasSynced()
}

// Watching returns how many objects are watched now (immutable ones,
// served from their last copy, are not).
func (m *Manager) Watching() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, e := range m.objs {
		if !e.frozen.Load() {
			n++
		}
	}
	return n
}

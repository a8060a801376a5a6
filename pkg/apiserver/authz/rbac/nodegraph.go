package rbac

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// nsName is a namespaced name.
type nsName struct{ namespace, name string }

// podEntry is what the graph remembers of one bound pod.
type podEntry struct {
	node string
	refs []objRef
}

// pvEntry is what the graph remembers of one PersistentVolume.
type pvEntry struct {
	claim   nsName // zero when unbound
	secrets []objRef
}

// NodeGraph records which objects each node's pods use, from a watch of
// pods and PersistentVolumes: a node is related to the secrets,
// configmaps, claims and service account of the pods bound to it, to the
// volumes bound to those claims and to the secrets of those volumes.
type NodeGraph struct {
	mu sync.RWMutex
	// pods are the bound pods by namespace/name.
	pods map[nsName]podEntry
	// byNode counts, per node, the pods that use each object.
	byNode map[string]map[objRef]int
	// pvs are the volumes by name; pvsByClaim the volumes bound to a claim.
	pvs        map[string]pvEntry
	pvsByClaim map[nsName]map[string]bool

	pending atomic.Int32
	synced  chan struct{}
	log     *slog.Logger
}

// NewNodeGraph returns an empty graph; Run fills it. log may be nil.
func NewNodeGraph(log *slog.Logger) *NodeGraph {
	if log == nil {
		log = slog.Default()
	}
	g := &NodeGraph{synced: make(chan struct{}), log: log}
	g.resetPods()
	g.resetPVs()
	g.pending.Store(2)
	return g
}

func (g *NodeGraph) resetPods() {
	g.pods, g.byNode = map[nsName]podEntry{}, map[string]map[objRef]int{}
}

func (g *NodeGraph) resetPVs() {
	g.pvs, g.pvsByClaim = map[string]pvEntry{}, map[nsName]map[string]bool{}
}

// Synced is closed once pods and volumes have been listed.
func (g *NodeGraph) Synced() <-chan struct{} { return g.synced }

// WaitForSync waits until the graph is synced or ctx ends.
func (g *NodeGraph) WaitForSync(ctx context.Context) error {
	select {
	case <-g.synced:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("node authorizer graph not synced: %w", ctx.Err())
	}
}

// Run follows pods and PersistentVolumes until ctx ends: each is listed,
// then watched, and listed again whenever its watch ends or fails.
func (g *NodeGraph) Run(ctx context.Context, pods, pvs ListWatcher) {
	var wg sync.WaitGroup
	for _, f := range []struct {
		name  string
		lw    ListWatcher
		reset func()
		apply func(deleted bool, obj runtime.Object) error
	}{
		{"pods", pods, g.resetPods, g.applyPod},
		{"persistentvolumes", pvs, g.resetPVs, g.applyPV},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reset, apply := f.reset, f.apply
			follower{what: "node authorizer graph", resource: f.name, lw: f.lw, mu: &g.mu,
				replace: func(objs []runtime.Object) error {
					reset()
					for _, o := range objs {
						if err := apply(false, o); err != nil {
							return err
						}
					}
					return nil
				},
				apply: apply, listed: firstList(&g.pending, g.synced), log: g.log}.run(ctx)
		}()
	}
	wg.Wait()
}

// applyPod records a pod's state (or its deletion); g.mu is held. Pods not
// bound to a node relate to nothing.
func (g *NodeGraph) applyPod(deleted bool, obj runtime.Object) error {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return fmt.Errorf("unexpected object %T", obj)
	}
	key := nsName{pod.Namespace, pod.Name}
	if old, ok := g.pods[key]; ok {
		g.count(old, -1)
		delete(g.pods, key)
	}
	if deleted || pod.Spec.NodeName == "" {
		return nil
	}
	e := podEntry{node: pod.Spec.NodeName, refs: podRefs(pod)}
	g.pods[key] = e
	g.count(e, 1)
	return nil
}

// count adds d to the use counts of e's objects on its node.
func (g *NodeGraph) count(e podEntry, d int) {
	m := g.byNode[e.node]
	if m == nil {
		m = map[objRef]int{}
		g.byNode[e.node] = m
	}
	for _, r := range e.refs {
		if m[r] += d; m[r] <= 0 {
			delete(m, r)
		}
	}
	if len(m) == 0 {
		delete(g.byNode, e.node)
	}
}

// applyPV records a volume's state (or its deletion); g.mu is held.
func (g *NodeGraph) applyPV(deleted bool, obj runtime.Object) error {
	pv, ok := obj.(*corev1.PersistentVolume)
	if !ok {
		return fmt.Errorf("unexpected object %T", obj)
	}
	if old, ok := g.pvs[pv.Name]; ok {
		if set := g.pvsByClaim[old.claim]; set != nil {
			delete(set, pv.Name)
			if len(set) == 0 {
				delete(g.pvsByClaim, old.claim)
			}
		}
		delete(g.pvs, pv.Name)
	}
	if deleted {
		return nil
	}
	e := pvEntry{secrets: pvSecrets(pv)}
	if c := pv.Spec.ClaimRef; c != nil && c.Name != "" {
		e.claim = nsName{c.Namespace, c.Name}
		if g.pvsByClaim[e.claim] == nil {
			g.pvsByClaim[e.claim] = map[string]bool{}
		}
		g.pvsByClaim[e.claim][pv.Name] = true
	}
	g.pvs[pv.Name] = e
	return nil
}

// related reports whether node has a path to the object: a pod bound to
// it uses the object, or (for a volume) a claim it uses is bound to the
// volume, or (for a secret) such a volume names the secret. It waits for
// the first sync.
func (g *NodeGraph) related(ctx context.Context, node string, r objRef) (bool, error) {
	if err := g.WaitForSync(ctx); err != nil {
		return false, err
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	uses := g.byNode[node]
	switch r.kind {
	case kindPV:
		e, ok := g.pvs[r.name]
		return ok && e.claim.name != "" && uses[objRef{kind: kindPVC, namespace: e.claim.namespace, name: e.claim.name}] > 0, nil
	case kindSecret:
		if uses[r] > 0 {
			return true, nil
		}
		for u := range uses {
			if u.kind != kindPVC {
				continue
			}
			for pv := range g.pvsByClaim[nsName{u.namespace, u.name}] {
				for _, s := range g.pvs[pv].secrets {
					if s == r {
						return true, nil
					}
				}
			}
		}
		return false, nil
	}
	return uses[r] > 0, nil
}

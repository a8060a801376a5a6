package garbagecollector

import (
	"slices"
	"sync"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
)

// node is what the graph knows about one object.
type node struct {
	gvk             schema.GroupVersionKind
	gvr             schema.GroupVersionResource
	namespace, name string
	uid             types.UID
	owners          []metav1.OwnerReference
	deleting        bool
	finalizers      []string
}

func (n *node) hasFinalizer(f string) bool { return slices.Contains(n.finalizers, f) }

// deletingDependents reports an owner in foreground deletion.
func (n *node) deletingDependents() bool {
	return n.deleting && n.hasFinalizer(metav1.FinalizerDeleteDependents)
}

// graph indexes nodes by UID and dependents by owner UID.
type graph struct {
	mu         sync.RWMutex
	nodes      map[types.UID]*node
	dependents map[types.UID]map[types.UID]struct{}
}

func newGraph() *graph {
	return &graph{nodes: map[types.UID]*node{}, dependents: map[types.UID]map[types.UID]struct{}{}}
}

// upsert stores n and returns the owner UIDs it no longer references.
func (g *graph) upsert(n *node) (removedOwners []types.UID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := map[types.UID]bool{}
	for _, r := range n.owners {
		now[r.UID] = true
	}
	if old, ok := g.nodes[n.uid]; ok {
		for _, r := range old.owners {
			if !now[r.UID] {
				removedOwners = append(removedOwners, r.UID)
				g.unlink(r.UID, n.uid)
			}
		}
	}
	for _, r := range n.owners {
		if g.dependents[r.UID] == nil {
			g.dependents[r.UID] = map[types.UID]struct{}{}
		}
		g.dependents[r.UID][n.uid] = struct{}{}
	}
	g.nodes[n.uid] = n
	return removedOwners
}

func (g *graph) unlink(owner, dep types.UID) {
	if m := g.dependents[owner]; m != nil {
		delete(m, dep)
		if len(m) == 0 {
			delete(g.dependents, owner)
		}
	}
}

// remove drops uid and returns its former owners and current dependents.
func (g *graph) remove(uid types.UID) (owners, deps []types.UID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n, ok := g.nodes[uid]; ok {
		for _, r := range n.owners {
			owners = append(owners, r.UID)
			g.unlink(r.UID, uid)
		}
		delete(g.nodes, uid)
	}
	for d := range g.dependents[uid] {
		deps = append(deps, d)
	}
	return owners, deps
}

// get returns a copy of the node with uid.
func (g *graph) get(uid types.UID) (node, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	n, ok := g.nodes[uid]
	if !ok {
		return node{}, false
	}
	return *n, true
}

// dependentsOf returns copies of the nodes that reference uid.
func (g *graph) dependentsOf(uid types.UID) []node {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var out []node
	for d := range g.dependents[uid] {
		if n, ok := g.nodes[d]; ok {
			out = append(out, *n)
		}
	}
	return out
}

// hasDependents reports whether any object references uid.
func (g *graph) hasDependents(uid types.UID) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.dependents[uid]) > 0
}

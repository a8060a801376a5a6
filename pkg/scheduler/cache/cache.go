package cache

import (
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

// DefaultAssumedPodTTL is how long an assumed pod whose binding finished may
// stay unconfirmed before it expires.
const DefaultAssumedPodTTL = 30 * time.Second

// ErrPodNotFound is returned for pods the cache does not hold.
var ErrPodNotFound = errors.New("pod not found in scheduler cache")

// Clock gives the cache the time.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

type podState struct {
	pod             *corev1.Pod
	deadline        time.Time
	bindingFinished bool
}

type nodeItem struct {
	info       *framework.NodeInfo
	images     []string
	prev, next *nodeItem
}

type imageState struct {
	size  int64
	nodes map[string]struct{}
}

// Cache is the scheduler cache. Safe for concurrent use.
type Cache struct {
	mu    sync.RWMutex
	clock Clock
	ttl   time.Duration

	podStates   map[string]*podState
	assumed     map[string]struct{}
	nodes       map[string]*nodeItem
	head        *nodeItem
	nodeOrder   []string
	imageStates map[string]*imageState
	namespaces  map[string]map[string]string
	nsGen       int64
}

// New returns an empty cache; ttl <= 0 means assumed pods never expire.
func New(ttl time.Duration, clock Clock) *Cache {
	if clock == nil {
		clock = realClock{}
	}
	return &Cache{
		clock: clock, ttl: ttl,
		podStates: map[string]*podState{}, assumed: map[string]struct{}{},
		nodes: map[string]*nodeItem{}, imageStates: map[string]*imageState{},
		namespaces: map[string]map[string]string{},
	}
}

func podKey(pod *corev1.Pod) string {
	if pod.UID != "" {
		return string(pod.UID)
	}
	return framework.PodKey(pod)
}

// moveToHead marks the node as most recently changed.
func (c *Cache) moveToHead(name string) {
	it := c.nodes[name]
	if it == nil || it == c.head {
		return
	}
	if it.prev != nil {
		it.prev.next = it.next
	}
	if it.next != nil {
		it.next.prev = it.prev
	}
	it.prev = nil
	it.next = c.head
	if c.head != nil {
		c.head.prev = it
	}
	c.head = it
}

func (c *Cache) item(name string) *nodeItem {
	it, ok := c.nodes[name]
	if !ok {
		it = &nodeItem{info: framework.NewNodeInfo()}
		it.next = c.head
		if c.head != nil {
			c.head.prev = it
		}
		c.head = it
		c.nodes[name] = it
	}
	return it
}

func (c *Cache) removeItem(name string) {
	it := c.nodes[name]
	if it == nil {
		return
	}
	if it.prev != nil {
		it.prev.next = it.next
	}
	if it.next != nil {
		it.next.prev = it.prev
	}
	if c.head == it {
		c.head = it.next
	}
	delete(c.nodes, name)
}

func (c *Cache) addPodLocked(pod *corev1.Pod, assumed bool) {
	it := c.item(pod.Spec.NodeName)
	it.info.AddPod(pod)
	c.moveToHead(pod.Spec.NodeName)
	c.podStates[podKey(pod)] = &podState{pod: pod}
	if assumed {
		c.assumed[podKey(pod)] = struct{}{}
	}
}

func (c *Cache) removePodLocked(pod *corev1.Pod) {
	if it, ok := c.nodes[pod.Spec.NodeName]; ok {
		it.info.RemovePod(pod)
		if len(it.info.Pods) == 0 && it.info.Node() == nil {
			c.removeItem(pod.Spec.NodeName)
		} else {
			c.moveToHead(pod.Spec.NodeName)
		}
	}
	delete(c.podStates, podKey(pod))
	delete(c.assumed, podKey(pod))
}

// AssumePod adds pod (with spec.nodeName set) as if it were running there.
func (c *Cache) AssumePod(pod *corev1.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.podStates[podKey(pod)]; ok {
		return fmt.Errorf("assume pod %q: already in the cache", framework.PodKey(pod))
	}
	c.addPodLocked(pod, true)
	return nil
}

// FinishBinding starts the expiry clock of an assumed pod.
func (c *Cache) FinishBinding(pod *corev1.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.podStates[podKey(pod)]
	if !ok {
		return fmt.Errorf("finish binding of pod %q: %w", framework.PodKey(pod), ErrPodNotFound)
	}
	if _, assumed := c.assumed[podKey(pod)]; assumed {
		ps.bindingFinished = true
		if c.ttl > 0 {
			ps.deadline = c.clock.Now().Add(c.ttl)
		}
	}
	return nil
}

// ForgetPod removes an assumed pod whose binding failed.
func (c *Cache) ForgetPod(pod *corev1.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.podStates[podKey(pod)]
	if !ok {
		return fmt.Errorf("forget pod %q: %w", framework.PodKey(pod), ErrPodNotFound)
	}
	if ps.pod.Spec.NodeName != pod.Spec.NodeName {
		return fmt.Errorf("forget pod %q: assumed on node %q, not %q", framework.PodKey(pod), ps.pod.Spec.NodeName, pod.Spec.NodeName)
	}
	if _, assumed := c.assumed[podKey(pod)]; !assumed {
		return fmt.Errorf("forget pod %q: pod is not assumed", framework.PodKey(pod))
	}
	c.removePodLocked(ps.pod)
	return nil
}

// AddPod records a pod observed as bound; an assumed pod becomes confirmed
// (moved if it landed elsewhere), and an expired one is re-added.
func (c *Cache) AddPod(pod *corev1.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := podKey(pod)
	ps, ok := c.podStates[k]
	switch {
	case ok && c.isAssumed(k):
		c.removePodLocked(ps.pod)
		c.addPodLocked(pod, false)
	case !ok:
		c.addPodLocked(pod, false)
	default:
		return fmt.Errorf("add pod %q: already in the cache", framework.PodKey(pod))
	}
	return nil
}

func (c *Cache) isAssumed(k string) bool {
	_, ok := c.assumed[k]
	return ok
}

// UpdatePod replaces a confirmed pod.
func (c *Cache) UpdatePod(oldPod, newPod *corev1.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := podKey(oldPod)
	ps, ok := c.podStates[k]
	if !ok {
		return fmt.Errorf("update pod %q: %w", framework.PodKey(oldPod), ErrPodNotFound)
	}
	if c.isAssumed(k) {
		return fmt.Errorf("update pod %q: pod is assumed, not added", framework.PodKey(oldPod))
	}
	c.removePodLocked(ps.pod)
	c.addPodLocked(newPod, false)
	return nil
}

// RemovePod removes a pod (assumed or not).
func (c *Cache) RemovePod(pod *corev1.Pod) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.podStates[podKey(pod)]
	if !ok {
		return fmt.Errorf("remove pod %q: %w", framework.PodKey(pod), ErrPodNotFound)
	}
	c.removePodLocked(ps.pod)
	return nil
}

// IsAssumedPod reports whether pod is assumed and not yet confirmed.
func (c *Cache) IsAssumedPod(pod *corev1.Pod) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.isAssumed(podKey(pod))
}

// GetPod returns the cached version of pod.
func (c *Cache) GetPod(pod *corev1.Pod) (*corev1.Pod, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ps, ok := c.podStates[podKey(pod)]
	if !ok {
		return nil, fmt.Errorf("get pod %q: %w", framework.PodKey(pod), ErrPodNotFound)
	}
	return ps.pod, nil
}

// CleanupAssumedPods expires assumed pods whose binding finished more than
// the TTL ago.
func (c *Cache) CleanupAssumedPods() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	for k := range c.assumed {
		ps := c.podStates[k]
		if ps.bindingFinished && !ps.deadline.IsZero() && now.After(ps.deadline) {
			c.removePodLocked(ps.pod)
		}
	}
}

// AddNode adds or replaces a node.
func (c *Cache) AddNode(node *corev1.Node) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, existed := c.nodes[node.Name]
	if !existed || it.info.Node() == nil {
		c.nodeOrder = append(c.nodeOrder, node.Name)
	}
	it = c.item(node.Name)
	c.setNodeLocked(it, node)
}

// UpdateNode replaces a node.
func (c *Cache) UpdateNode(_, node *corev1.Node) { c.AddNode(node) }

func (c *Cache) setNodeLocked(it *nodeItem, node *corev1.Node) {
	c.removeImages(it)
	it.info.SetNode(node)
	it.info.Generation = framework.NextGeneration()
	for _, img := range node.Status.Images {
		for _, name := range img.Names {
			name = framework.NormalizedImageName(name)
			st := c.imageStates[name]
			if st == nil {
				st = &imageState{size: img.SizeBytes, nodes: map[string]struct{}{}}
				c.imageStates[name] = st
			}
			st.nodes[node.Name] = struct{}{}
			it.images = append(it.images, name)
		}
	}
	c.moveToHead(node.Name)
}

func (c *Cache) removeImages(it *nodeItem) {
	if it.info.Node() == nil {
		return
	}
	for _, name := range it.images {
		if st := c.imageStates[name]; st != nil {
			delete(st.nodes, it.info.Node().Name)
			if len(st.nodes) == 0 {
				delete(c.imageStates, name)
			}
		}
	}
	it.images = nil
}

// RemoveNode removes a node; its pods stay until they are deleted.
func (c *Cache) RemoveNode(node *corev1.Node) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.nodes[node.Name]
	if !ok || it.info.Node() == nil {
		return fmt.Errorf("remove node %q: not found", node.Name)
	}
	c.removeImages(it)
	it.info.RemoveNode()
	if len(it.info.Pods) == 0 {
		c.removeItem(node.Name)
	} else {
		it.info.Generation = framework.NextGeneration()
		c.moveToHead(node.Name)
	}
	for i, n := range c.nodeOrder {
		if n == node.Name {
			c.nodeOrder = append(c.nodeOrder[:i], c.nodeOrder[i+1:]...)
			break
		}
	}
	return nil
}

// SetNamespaceLabels records a namespace's labels, for namespaceSelector terms.
func (c *Cache) SetNamespaceLabels(ns string, l map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nsGen++
	if l == nil {
		delete(c.namespaces, ns)
		return
	}
	c.namespaces[ns] = l
}

// NodeCount returns the number of nodes.
func (c *Cache) NodeCount() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.nodeOrder)
}

// PodCount returns the number of pods, assumed ones included.
func (c *Cache) PodCount() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.podStates)
}

// UpdateSnapshot brings snap up to date, copying only nodes whose
// generation is newer than the snapshot's.
func (c *Cache) UpdateSnapshot(snap *framework.Snapshot) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := snap.Generation
	rebuild := false
	for it := c.head; it != nil; it = it.next {
		if it.info.Generation <= gen {
			break
		}
		node := it.info.Node()
		if node == nil {
			continue
		}
		clone := it.info.Clone()
		clone.ImageStates = make(map[string]*framework.ImageStateSummary, len(it.images))
		for _, name := range it.images {
			if st := c.imageStates[name]; st != nil {
				clone.ImageStates[name] = &framework.ImageStateSummary{Size: st.size, NumNodes: len(st.nodes)}
			}
		}
		existing, ok := snap.NodeInfoMap[node.Name]
		if !ok {
			rebuild = true
			snap.NodeInfoMap[node.Name] = clone
			continue
		}
		if (len(existing.PodsWithAffinity) > 0) != (len(clone.PodsWithAffinity) > 0) ||
			(len(existing.PodsWithRequiredAntiAffinity) > 0) != (len(clone.PodsWithRequiredAntiAffinity) > 0) {
			rebuild = true
		}
		*existing = *clone
	}
	if c.head != nil {
		snap.Generation = c.head.info.Generation
	}
	if len(snap.NodeInfoMap) != len(c.nodeOrder) || len(snap.NodeInfoList) != len(c.nodeOrder) {
		for name := range snap.NodeInfoMap {
			if it, ok := c.nodes[name]; !ok || it.info.Node() == nil {
				delete(snap.NodeInfoMap, name)
			}
		}
		rebuild = true
	}
	if rebuild {
		snap.NodeInfoList = snap.NodeInfoList[:0]
		for _, name := range c.nodeOrder {
			if ni, ok := snap.NodeInfoMap[name]; ok {
				snap.NodeInfoList = append(snap.NodeInfoList, ni)
			}
		}
		snap.RebuildAffinityLists()
	}
	if snap.NamespaceGeneration != c.nsGen {
		snap.NamespaceGeneration = c.nsGen
		snap.NamespaceLabelsMap = make(map[string]map[string]string, len(c.namespaces))
		for k, v := range c.namespaces {
			snap.NamespaceLabelsMap[k] = v
		}
	}
	if len(snap.NodeInfoList) != len(c.nodeOrder) {
		return fmt.Errorf("snapshot has %d nodes, cache %d", len(snap.NodeInfoList), len(c.nodeOrder))
	}
	return nil
}

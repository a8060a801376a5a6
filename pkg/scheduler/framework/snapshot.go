package framework

import (
	"fmt"

	corev1 "keel.dev/api/core/v1"
)

// NodeInfoLister reads the nodes of a snapshot.
type NodeInfoLister interface {
	// List returns every node.
	List() []*NodeInfo
	// HavePodsWithAffinityList returns the nodes with at least one pod with affinity terms.
	HavePodsWithAffinityList() []*NodeInfo
	// HavePodsWithRequiredAntiAffinityList returns the nodes with at least one pod with required anti-affinity.
	HavePodsWithRequiredAntiAffinityList() []*NodeInfo
	// Get returns one node by name.
	Get(name string) (*NodeInfo, error)
}

// SharedLister gives plugins the cycle's snapshot.
type SharedLister interface {
	// NodeInfos lists the snapshot's nodes.
	NodeInfos() NodeInfoLister
	// NamespaceLabels returns the labels of a namespace, for namespaceSelector terms.
	NamespaceLabels(ns string) map[string]string
}

// Snapshot is a consistent read-only view of the cluster for one scheduling cycle.
// The cache fills it incrementally; plugins only read it.
type Snapshot struct {
	NodeInfoMap              map[string]*NodeInfo
	NodeInfoList             []*NodeInfo
	AffinityNodeInfoList     []*NodeInfo
	AntiAffinityNodeInfoList []*NodeInfo
	NamespaceLabelsMap       map[string]map[string]string
	Generation               int64
	// NamespaceGeneration is the cache's namespace-labels version copied last.
	NamespaceGeneration int64
}

var _ SharedLister = (*Snapshot)(nil)

// NewEmptySnapshot returns a snapshot without nodes.
func NewEmptySnapshot() *Snapshot {
	return &Snapshot{NodeInfoMap: map[string]*NodeInfo{}}
}

// NewSnapshot builds a snapshot from pods and nodes; pods are placed by spec.nodeName.
func NewSnapshot(pods []*corev1.Pod, nodes []*corev1.Node) *Snapshot {
	s := NewEmptySnapshot()
	for _, n := range nodes {
		ni := NewNodeInfo()
		ni.SetNode(n)
		s.NodeInfoMap[n.Name] = ni
	}
	for _, p := range pods {
		ni, ok := s.NodeInfoMap[p.Spec.NodeName]
		if !ok {
			ni = NewNodeInfo()
			s.NodeInfoMap[p.Spec.NodeName] = ni
		}
		ni.AddPod(p)
	}
	images := map[string]*ImageStateSummary{}
	for _, n := range nodes {
		for _, img := range n.Status.Images {
			for _, name := range img.Names {
				name = NormalizedImageName(name)
				st := images[name]
				if st == nil {
					st = &ImageStateSummary{Size: img.SizeBytes}
					images[name] = st
				}
				st.NumNodes++
				s.NodeInfoMap[n.Name].ImageStates[name] = st
			}
		}
	}
	for _, n := range nodes {
		s.NodeInfoList = append(s.NodeInfoList, s.NodeInfoMap[n.Name])
	}
	s.RebuildAffinityLists()
	return s
}

// RebuildAffinityLists recomputes the affinity node lists from NodeInfoList.
func (s *Snapshot) RebuildAffinityLists() {
	s.AffinityNodeInfoList = s.AffinityNodeInfoList[:0]
	s.AntiAffinityNodeInfoList = s.AntiAffinityNodeInfoList[:0]
	for _, ni := range s.NodeInfoList {
		if len(ni.PodsWithAffinity) > 0 {
			s.AffinityNodeInfoList = append(s.AffinityNodeInfoList, ni)
		}
		if len(ni.PodsWithRequiredAntiAffinity) > 0 {
			s.AntiAffinityNodeInfoList = append(s.AntiAffinityNodeInfoList, ni)
		}
	}
}

// NodeInfos returns the snapshot itself as a lister.
func (s *Snapshot) NodeInfos() NodeInfoLister { return s }

// NamespaceLabels returns a namespace's labels, nil when unknown.
func (s *Snapshot) NamespaceLabels(ns string) map[string]string { return s.NamespaceLabelsMap[ns] }

// NumNodes returns the number of nodes.
func (s *Snapshot) NumNodes() int { return len(s.NodeInfoList) }

// List returns every node.
func (s *Snapshot) List() []*NodeInfo { return s.NodeInfoList }

// HavePodsWithAffinityList returns nodes with pods carrying affinity terms.
func (s *Snapshot) HavePodsWithAffinityList() []*NodeInfo { return s.AffinityNodeInfoList }

// HavePodsWithRequiredAntiAffinityList returns nodes with pods carrying required anti-affinity.
func (s *Snapshot) HavePodsWithRequiredAntiAffinityList() []*NodeInfo {
	return s.AntiAffinityNodeInfoList
}

// Get returns a node by name.
func (s *Snapshot) Get(name string) (*NodeInfo, error) {
	if ni, ok := s.NodeInfoMap[name]; ok && ni.Node() != nil {
		return ni, nil
	}
	return nil, fmt.Errorf("nodeinfo %q: %w", name, ErrNotFound)
}

package framework

import (
	"fmt"
	"sort"
	"strings"

	corev1 "keel.dev/api/core/v1"
)

// NodeToStatus records the rejecting status of each node. Nodes not in the
// map get Absent when set (for example when PreFilter rejected every node).
type NodeToStatus struct {
	Map    map[string]*Status
	Absent *Status
}

var _ NodeToStatusReader = (*NodeToStatus)(nil)

// NewNodeToStatus returns an empty map.
func NewNodeToStatus() *NodeToStatus { return &NodeToStatus{Map: map[string]*Status{}} }

// Get returns a node's status.
func (m *NodeToStatus) Get(name string) *Status {
	if s, ok := m.Map[name]; ok {
		return s
	}
	return m.Absent
}

// Set records a node's status.
func (m *NodeToStatus) Set(name string, s *Status) { m.Map[name] = s }

// Len returns the number of recorded nodes.
func (m *NodeToStatus) Len() int { return len(m.Map) }

// Diagnosis explains why a pod did not fit.
type Diagnosis struct {
	NodeToStatus *NodeToStatus
	// UnschedulablePlugins are the plugins that rejected nodes.
	UnschedulablePlugins map[string]struct{}
	// PreFilterMsg is set when a PreFilter plugin rejected the pod.
	PreFilterMsg string
	// PostFilterMsg is the PostFilter (preemption) outcome.
	PostFilterMsg string
}

// Message texts shared with kube-scheduler.
const (
	NoNodeAvailableMsg = "0/%v nodes are available"
	separatorFormat    = " %v."
)

// FitError is the error of a cycle that found no feasible node.
type FitError struct {
	Pod         *corev1.Pod
	NumAllNodes int
	Diagnosis   Diagnosis
}

// Error renders kube-scheduler's message, e.g.
// "0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu."
// The "count reason" entries are sorted as strings.
func (f *FitError) Error() string {
	msg := fmt.Sprintf(NoNodeAvailableMsg+":", f.NumAllNodes)
	if f.Diagnosis.PreFilterMsg != "" {
		msg += fmt.Sprintf(separatorFormat, f.Diagnosis.PreFilterMsg)
	} else if reasons := ReasonHistogram(f.Diagnosis.NodeToStatus); len(reasons) > 0 {
		msg += fmt.Sprintf(separatorFormat, strings.Join(reasons, ", "))
	}
	if pf := f.Diagnosis.PostFilterMsg; pf != "" {
		// The preemption message is itself a sentence; kube-scheduler prints it with one period.
		msg += " " + strings.TrimSuffix(pf, ".") + "."
	}
	return msg
}

// ReasonHistogram counts each reason over the nodes and returns sorted "count reason" strings.
func ReasonHistogram(m *NodeToStatus) []string {
	if m == nil {
		return nil
	}
	counts := map[string]int{}
	for _, s := range m.Map {
		for _, r := range s.Reasons() {
			counts[r]++
		}
	}
	out := make([]string, 0, len(counts))
	for r, c := range counts {
		out = append(out, fmt.Sprintf("%v %v", c, r))
	}
	sort.Strings(out)
	return out
}

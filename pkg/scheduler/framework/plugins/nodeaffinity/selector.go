package nodeaffinity

import (
	"fmt"
	"slices"
	"strconv"

	corev1 "keel.dev/api/core/v1"
)

type requirement struct {
	key    string
	op     corev1.NodeSelectorOperator
	values []string
	num    int64
}

func (r *requirement) matches(v string, ok bool) bool {
	switch r.op {
	case corev1.NodeSelectorOpIn:
		return ok && slices.Contains(r.values, v)
	case corev1.NodeSelectorOpNotIn:
		return !ok || !slices.Contains(r.values, v)
	case corev1.NodeSelectorOpExists:
		return ok
	case corev1.NodeSelectorOpDoesNotExist:
		return !ok
	case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
		if !ok {
			return false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return false
		}
		if r.op == corev1.NodeSelectorOpGt {
			return n > r.num
		}
		return n < r.num
	}
	return false
}

func parseRequirement(in *corev1.NodeSelectorRequirement) (requirement, error) {
	r := requirement{key: in.Key, op: in.Operator, values: in.Values}
	switch in.Operator {
	case corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn:
		if len(in.Values) == 0 {
			return r, fmt.Errorf("operator %q needs values", in.Operator)
		}
	case corev1.NodeSelectorOpExists, corev1.NodeSelectorOpDoesNotExist:
	case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
		if len(in.Values) != 1 {
			return r, fmt.Errorf("operator %q needs exactly one value", in.Operator)
		}
		n, err := strconv.ParseInt(in.Values[0], 10, 64)
		if err != nil {
			return r, fmt.Errorf("operator %q value %q: %w", in.Operator, in.Values[0], err)
		}
		r.num = n
	default:
		return r, fmt.Errorf("%q is not a valid node selector operator", in.Operator)
	}
	return r, nil
}

// Term is a parsed NodeSelectorTerm: all expressions and fields must match.
type Term struct {
	exprs  []requirement
	fields []requirement
	valid  bool
}

// NewTerm parses a term; an invalid or empty term matches nothing.
func NewTerm(in *corev1.NodeSelectorTerm) Term {
	t := Term{valid: len(in.MatchExpressions)+len(in.MatchFields) > 0}
	for i := range in.MatchExpressions {
		r, err := parseRequirement(&in.MatchExpressions[i])
		if err != nil {
			t.valid = false
			return t
		}
		t.exprs = append(t.exprs, r)
	}
	for i := range in.MatchFields {
		f := &in.MatchFields[i]
		r, err := parseRequirement(f)
		if err != nil || f.Key != "metadata.name" || (f.Operator != corev1.NodeSelectorOpIn && f.Operator != corev1.NodeSelectorOpNotIn) {
			t.valid = false
			return t
		}
		t.fields = append(t.fields, r)
	}
	return t
}

// Match reports whether node satisfies the term.
func (t *Term) Match(node *corev1.Node) bool {
	if !t.valid {
		return false
	}
	for i := range t.exprs {
		v, ok := node.Labels[t.exprs[i].key]
		if !t.exprs[i].matches(v, ok) {
			return false
		}
	}
	for i := range t.fields {
		if !t.fields[i].matches(node.Name, true) {
			return false
		}
	}
	return true
}

// NodeSelector is a parsed NodeSelector: any term must match.
type NodeSelector []Term

// NewNodeSelector parses a NodeSelector.
func NewNodeSelector(ns *corev1.NodeSelector) NodeSelector {
	out := make(NodeSelector, 0, len(ns.NodeSelectorTerms))
	for i := range ns.NodeSelectorTerms {
		out = append(out, NewTerm(&ns.NodeSelectorTerms[i]))
	}
	return out
}

// Match reports whether any term matches node.
func (s NodeSelector) Match(node *corev1.Node) bool {
	for i := range s {
		if s[i].Match(node) {
			return true
		}
	}
	return false
}

// RequiredNodeAffinity is a pod's spec.nodeSelector plus its required node affinity.
type RequiredNodeAffinity struct {
	nodeSelector map[string]string
	required     NodeSelector
	hasRequired  bool
}

// GetRequiredNodeAffinity parses the node constraints of pod.
func GetRequiredNodeAffinity(pod *corev1.Pod) RequiredNodeAffinity {
	r := RequiredNodeAffinity{nodeSelector: pod.Spec.NodeSelector}
	if a := pod.Spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		r.required = NewNodeSelector(a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution)
		r.hasRequired = true
	}
	return r
}

// Empty reports whether the pod constrains nodes at all.
func (r *RequiredNodeAffinity) Empty() bool { return len(r.nodeSelector) == 0 && !r.hasRequired }

// Match reports whether node satisfies both the selector and the required terms.
func (r *RequiredNodeAffinity) Match(node *corev1.Node) bool {
	for k, v := range r.nodeSelector {
		if lv, ok := node.Labels[k]; !ok || lv != v {
			return false
		}
	}
	return !r.hasRequired || r.required.Match(node)
}

package v1

import (
	"fmt"
	"slices"

	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/selection"
	"keel.dev/apimachinery/pkg/types"
)

// selectorOps maps LabelSelector operators to selector operators.
var selectorOps = map[LabelSelectorOperator]selection.Operator{
	LabelSelectorOpIn:           selection.In,
	LabelSelectorOpNotIn:        selection.NotIn,
	LabelSelectorOpExists:       selection.Exists,
	LabelSelectorOpDoesNotExist: selection.DoesNotExist,
}

// LabelSelectorAsSelector converts an API label selector into a labels.Selector:
// nil selects nothing, an empty selector everything.
func LabelSelectorAsSelector(ps *LabelSelector) (labels.Selector, error) {
	if ps == nil {
		return labels.Nothing(), nil
	}
	if len(ps.MatchLabels)+len(ps.MatchExpressions) == 0 {
		return labels.Everything(), nil
	}
	reqs := make([]labels.Requirement, 0, len(ps.MatchLabels)+len(ps.MatchExpressions))
	for k, v := range ps.MatchLabels {
		r, err := labels.NewRequirement(k, selection.Equals, []string{v})
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, *r)
	}
	for _, expr := range ps.MatchExpressions {
		op, ok := selectorOps[expr.Operator]
		if !ok {
			return nil, fmt.Errorf("%q is not a valid label selector operator", expr.Operator)
		}
		r, err := labels.NewRequirement(expr.Key, op, slices.Clone(expr.Values))
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, *r)
	}
	return labels.NewSelector().Add(reqs...), nil
}

// LabelSelectorAsMap converts a selector that only pins exact values
// (matchLabels and single-value In) into a label map.
func LabelSelectorAsMap(ps *LabelSelector) (map[string]string, error) {
	if ps == nil {
		return nil, nil
	}
	out := make(map[string]string, len(ps.MatchLabels))
	for k, v := range ps.MatchLabels {
		out[k] = v
	}
	for _, expr := range ps.MatchExpressions {
		switch expr.Operator {
		case LabelSelectorOpIn:
			if len(expr.Values) != 1 {
				return out, fmt.Errorf("operator %q without a single value cannot be converted into the old label selector format", expr.Operator)
			}
			out[expr.Key] = expr.Values[0]
		case LabelSelectorOpNotIn, LabelSelectorOpExists, LabelSelectorOpDoesNotExist:
			return out, fmt.Errorf("operator %q cannot be converted into the old label selector format", expr.Operator)
		default:
			return out, fmt.Errorf("%q is not a valid selector operator", expr.Operator)
		}
	}
	return out, nil
}

// ParseToLabelSelector parses selector syntax into an API LabelSelector;
// = and == become matchLabels, the rest matchExpressions (gt/lt are rejected).
func ParseToLabelSelector(selector string) (*LabelSelector, error) {
	reqs, err := labels.ParseToRequirements(selector)
	if err != nil {
		return nil, fmt.Errorf("couldn't parse the selector string \"%s\": %w", selector, err)
	}
	ls := &LabelSelector{MatchLabels: map[string]string{}, MatchExpressions: []LabelSelectorRequirement{}}
	for _, r := range reqs {
		var op LabelSelectorOperator
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals:
			vals := r.Values()
			if len(vals) != 1 {
				return nil, fmt.Errorf("equals operator must have exactly one value")
			}
			ls.MatchLabels[r.Key()] = vals[0]
			continue
		case selection.In:
			op = LabelSelectorOpIn
		case selection.NotIn:
			op = LabelSelectorOpNotIn
		case selection.Exists:
			op = LabelSelectorOpExists
		case selection.DoesNotExist:
			op = LabelSelectorOpDoesNotExist
		case selection.GreaterThan, selection.LessThan:
			return nil, fmt.Errorf("%q isn't supported in label selectors", r.Operator())
		default:
			return nil, fmt.Errorf("%q is not a valid label selector operator", r.Operator())
		}
		ls.MatchExpressions = append(ls.MatchExpressions, LabelSelectorRequirement{Key: r.Key(), Operator: op, Values: r.Values()})
	}
	return ls, nil
}

// SetAsLabelSelector builds a matchLabels-only selector; nil gives nil.
func SetAsLabelSelector(ls labels.Set) *LabelSelector {
	if ls == nil {
		return nil
	}
	out := &LabelSelector{MatchLabels: make(map[string]string, len(ls))}
	for k, v := range ls {
		out.MatchLabels[k] = v
	}
	return out
}

// FormatLabelSelector renders a selector as kubectl prints it: "<none>" when
// it is nil or empty, "<error>" when it is invalid.
func FormatLabelSelector(ps *LabelSelector) string {
	sel, err := LabelSelectorAsSelector(ps)
	if err != nil {
		return "<error>"
	}
	if s := sel.String(); s != "" {
		return s
	}
	return "<none>"
}

// ExtractGroupVersions lists every "group/version" a group list serves.
func ExtractGroupVersions(l *APIGroupList) []string {
	var out []string
	for _, g := range l.Groups {
		for _, gv := range g.Versions {
			out = append(out, gv.GroupVersion)
		}
	}
	return out
}

// HasAnnotation reports whether the object has the annotation.
func HasAnnotation(obj ObjectMeta, ann string) bool {
	_, ok := obj.Annotations[ann]
	return ok
}

// SetMetaDataAnnotation sets an annotation, creating the map if needed.
func SetMetaDataAnnotation(obj *ObjectMeta, ann, value string) {
	if obj.Annotations == nil {
		obj.Annotations = map[string]string{}
	}
	obj.Annotations[ann] = value
}

// HasLabel reports whether the object has the label.
func HasLabel(obj ObjectMeta, label string) bool {
	_, ok := obj.Labels[label]
	return ok
}

// SetMetaDataLabel sets a label, creating the map if needed.
func SetMetaDataLabel(obj *ObjectMeta, label, value string) {
	if obj.Labels == nil {
		obj.Labels = map[string]string{}
	}
	obj.Labels[label] = value
}

// SingleObject returns list options selecting just the named object, from its resourceVersion.
func SingleObject(meta ObjectMeta) ListOptions {
	return ListOptions{
		FieldSelector:   fields.OneTermEqualSelector("metadata.name", meta.Name).String(),
		ResourceVersion: meta.ResourceVersion,
	}
}

// NewDeleteOptions returns delete options with the given grace period.
func NewDeleteOptions(grace int64) *DeleteOptions {
	return &DeleteOptions{GracePeriodSeconds: &grace}
}

// NewPreconditionDeleteOptions returns delete options requiring the given UID.
func NewPreconditionDeleteOptions(uid string) *DeleteOptions {
	return &DeleteOptions{Preconditions: NewUIDPreconditions(uid)}
}

// NewUIDPreconditions returns preconditions requiring the given UID.
func NewUIDPreconditions(uid string) *Preconditions {
	u := types.UID(uid)
	return &Preconditions{UID: &u}
}

// NewRVDeletionPrecondition returns delete options requiring the given resourceVersion.
func NewRVDeletionPrecondition(rv string) *DeleteOptions {
	return &DeleteOptions{Preconditions: &Preconditions{ResourceVersion: &rv}}
}

// HasObjectMetaSystemFieldValues reports whether the server already set
// creationTimestamp or uid.
func HasObjectMetaSystemFieldValues(meta Object) bool {
	return !meta.GetCreationTimestamp().Time.IsZero() || meta.GetUID() != ""
}

// ResetObjectMetaForStatus copies the fields a status update may not change
// from the stored object.
func ResetObjectMetaForStatus(meta, existing Object) {
	meta.SetDeletionTimestamp(existing.GetDeletionTimestamp())
	meta.SetGeneration(existing.GetGeneration())
	meta.SetLabels(existing.GetLabels())
	meta.SetAnnotations(existing.GetAnnotations())
	meta.SetFinalizers(existing.GetFinalizers())
	meta.SetOwnerReferences(existing.GetOwnerReferences())
}

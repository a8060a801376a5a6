package resourcequota

import (
	"slices"

	corev1 "keel.dev/api/core/v1"
)

// scopeTerm is one condition a quota puts on the objects it counts: the
// named scope must (or, negated, must not) apply, and for PriorityClass
// the pod's class is tested against values with op.
type scopeTerm struct {
	scope  corev1.ResourceQuotaScope
	op     corev1.ScopeSelectorOperator
	values []string
}

// scopeTerms collects spec.scopes (each as Exists) and the scopeSelector
// expressions of q.
func scopeTerms(q *corev1.ResourceQuota) []scopeTerm {
	var out []scopeTerm
	for _, s := range q.Spec.Scopes {
		out = append(out, scopeTerm{scope: s, op: corev1.ScopeSelectorOpExists})
	}
	if sel := q.Spec.ScopeSelector; sel != nil {
		for _, r := range sel.MatchExpressions {
			out = append(out, scopeTerm{scope: r.ScopeName, op: r.Operator, values: r.Values})
		}
	}
	return out
}

// matchesPod reports whether every term holds for p.
func matchesPod(terms []scopeTerm, p *corev1.Pod) bool {
	for _, t := range terms {
		if !t.matchesPod(p) {
			return false
		}
	}
	return true
}

// matchesValue applies a value-carrying term (PriorityClass,
// VolumeAttributesClass) to name; "" is an absent name.
func (t scopeTerm) matchesValue(name string) bool {
	switch t.op {
	case corev1.ScopeSelectorOpIn:
		return slices.Contains(t.values, name)
	case corev1.ScopeSelectorOpNotIn:
		return !slices.Contains(t.values, name)
	case corev1.ScopeSelectorOpExists:
		return name != ""
	case corev1.ScopeSelectorOpDoesNotExist:
		return name == ""
	}
	return false
}

// matchesClaim reports whether every term holds for the claim; only the
// VolumeAttributesClass scope applies to claims.
func matchesClaim(terms []scopeTerm, c *corev1.PersistentVolumeClaim) bool {
	class := ""
	if c.Spec.VolumeAttributesClassName != nil {
		class = *c.Spec.VolumeAttributesClassName
	}
	for _, t := range terms {
		if t.scope != corev1.ResourceQuotaScopeVolumeAttributesClass || !t.matchesValue(class) {
			return false
		}
	}
	return true
}

func (t scopeTerm) matchesPod(p *corev1.Pod) bool {
	if t.scope == corev1.ResourceQuotaScopePriorityClass {
		return t.matchesValue(p.Spec.PriorityClassName)
	}
	var applies bool
	switch t.scope {
	case corev1.ResourceQuotaScopeTerminating:
		applies = p.Spec.ActiveDeadlineSeconds != nil && *p.Spec.ActiveDeadlineSeconds >= 0
	case corev1.ResourceQuotaScopeNotTerminating:
		applies = p.Spec.ActiveDeadlineSeconds == nil
	case corev1.ResourceQuotaScopeBestEffort:
		applies = corev1.ComputePodQOS(p) == corev1.PodQOSBestEffort
	case corev1.ResourceQuotaScopeNotBestEffort:
		applies = corev1.ComputePodQOS(p) != corev1.PodQOSBestEffort
	case corev1.ResourceQuotaScopeCrossNamespacePodAffinity:
		applies = crossNamespaceAffinity(p)
	default:
		return false // a scope pods never have (e.g. VolumeAttributesClass)
	}
	switch t.op {
	case corev1.ScopeSelectorOpExists:
		return applies
	case corev1.ScopeSelectorOpDoesNotExist:
		return !applies
	}
	return false
}

// crossNamespaceAffinity reports a pod (anti-)affinity term that looks
// beyond the pod's namespace.
func crossNamespaceAffinity(p *corev1.Pod) bool {
	a := p.Spec.Affinity
	if a == nil {
		return false
	}
	var terms []corev1.PodAffinityTerm
	if a.PodAffinity != nil {
		terms = append(terms, a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution...)
		for _, w := range a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, w.PodAffinityTerm)
		}
	}
	if a.PodAntiAffinity != nil {
		terms = append(terms, a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution...)
		for _, w := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, w.PodAffinityTerm)
		}
	}
	for _, t := range terms {
		if len(t.Namespaces) > 0 || t.NamespaceSelector != nil {
			return true
		}
	}
	return false
}

// scoped narrows o to what a quota with terms counts: only the pods (or,
// for VolumeAttributesClass, the claims) every term matches, and no other
// kind.
func scoped(terms []scopeTerm, o Objects) Objects {
	if len(terms) == 0 {
		return o
	}
	out := Objects{}
	for _, p := range o.Pods {
		if matchesPod(terms, p) {
			out.Pods = append(out.Pods, p)
		}
	}
	for _, c := range o.PersistentVolumeClaims {
		if matchesClaim(terms, c) {
			out.PersistentVolumeClaims = append(out.PersistentVolumeClaims, c)
		}
	}
	return out
}

// QuotaUsage returns status.used of q: Usage over the objects q's scopes
// and scopeSelector select.
func QuotaUsage(q *corev1.ResourceQuota, o Objects) corev1.ResourceList {
	return Usage(q.Spec.Hard, scoped(scopeTerms(q), o))
}

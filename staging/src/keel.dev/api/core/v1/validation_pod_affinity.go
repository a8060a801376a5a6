package v1

import (
	"fmt"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// validateAffinity checks spec.affinity.
func validateAffinity(a *Affinity, fldPath *field.Path) field.ErrorList {
	if a == nil {
		return nil
	}
	var errs field.ErrorList
	if na := a.NodeAffinity; na != nil {
		p := fldPath.Child("nodeAffinity")
		if na.RequiredDuringSchedulingIgnoredDuringExecution != nil {
			errs = append(errs, ValidateNodeSelector(na.RequiredDuringSchedulingIgnoredDuringExecution, p.Child("requiredDuringSchedulingIgnoredDuringExecution"))...)
		}
		pp := p.Child("preferredDuringSchedulingIgnoredDuringExecution")
		for i, t := range na.PreferredDuringSchedulingIgnoredDuringExecution {
			errs = append(errs, validateWeight(t.Weight, pp.Index(i).Child("weight"))...)
			errs = append(errs, ValidateNodeSelectorTerm(t.Preference, pp.Index(i).Child("preference"))...)
		}
	}
	if pa := a.PodAffinity; pa != nil {
		p := fldPath.Child("podAffinity")
		errs = append(errs, validatePodAffinityTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution, p.Child("requiredDuringSchedulingIgnoredDuringExecution"))...)
		errs = append(errs, validateWeightedPodAffinityTerms(pa.PreferredDuringSchedulingIgnoredDuringExecution, p.Child("preferredDuringSchedulingIgnoredDuringExecution"))...)
	}
	if pa := a.PodAntiAffinity; pa != nil {
		p := fldPath.Child("podAntiAffinity")
		errs = append(errs, validatePodAffinityTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution, p.Child("requiredDuringSchedulingIgnoredDuringExecution"))...)
		errs = append(errs, validateWeightedPodAffinityTerms(pa.PreferredDuringSchedulingIgnoredDuringExecution, p.Child("preferredDuringSchedulingIgnoredDuringExecution"))...)
	}
	return errs
}

// validateWeight checks a scheduling preference weight (1-100).
func validateWeight(w int32, fldPath *field.Path) field.ErrorList {
	if w <= 0 || w > 100 {
		return field.ErrorList{field.Invalid(fldPath, w, "must be in the range 1-100")}
	}
	return nil
}

// ValidateNodeSelector checks a node selector: at least one valid term.
func ValidateNodeSelector(ns *NodeSelector, fldPath *field.Path) field.ErrorList {
	p := fldPath.Child("nodeSelectorTerms")
	if len(ns.NodeSelectorTerms) == 0 {
		return field.ErrorList{field.Required(p, "must have at least one node selector term")}
	}
	var errs field.ErrorList
	for i, t := range ns.NodeSelectorTerms {
		errs = append(errs, ValidateNodeSelectorTerm(t, p.Index(i))...)
	}
	return errs
}

// ValidateNodeSelectorTerm checks the label and field requirements of a term.
func ValidateNodeSelectorTerm(t NodeSelectorTerm, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, r := range t.MatchExpressions {
		errs = append(errs, ValidateNodeSelectorRequirement(r, fldPath.Child("matchExpressions").Index(i))...)
	}
	for i, r := range t.MatchFields {
		errs = append(errs, validateNodeFieldSelectorRequirement(r, fldPath.Child("matchFields").Index(i))...)
	}
	return errs
}

// ValidateNodeSelectorRequirement checks one label requirement of a node selector.
func ValidateNodeSelectorRequirement(r NodeSelectorRequirement, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch r.Operator {
	case NodeSelectorOpIn, NodeSelectorOpNotIn:
		if len(r.Values) == 0 {
			errs = append(errs, field.Required(fldPath.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
		}
	case NodeSelectorOpExists, NodeSelectorOpDoesNotExist:
		if len(r.Values) > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
		}
	case NodeSelectorOpGt, NodeSelectorOpLt:
		if len(r.Values) != 1 {
			errs = append(errs, field.Required(fldPath.Child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"))
		}
	default:
		errs = append(errs, field.NotSupported(fldPath.Child("operator"), r.Operator, []NodeSelectorOperator{
			NodeSelectorOpDoesNotExist, NodeSelectorOpExists, NodeSelectorOpGt, NodeSelectorOpIn, NodeSelectorOpLt, NodeSelectorOpNotIn}))
	}
	errs = append(errs, apivalidation.ValidateLabelName(r.Key, fldPath.Child("key"))...)
	return errs
}

// validateNodeFieldSelectorRequirement checks a matchFields requirement: only
// metadata.name with In or NotIn and a single value.
func validateNodeFieldSelectorRequirement(r NodeSelectorRequirement, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch r.Operator {
	case NodeSelectorOpIn, NodeSelectorOpNotIn:
		if len(r.Values) != 1 {
			errs = append(errs, field.Required(fldPath.Child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
		}
	default:
		errs = append(errs, field.Invalid(fldPath.Child("operator"), r.Operator, "not a valid selector operator"))
	}
	if r.Key != "metadata.name" {
		errs = append(errs, field.Invalid(fldPath.Child("key"), r.Key, "not a valid field selector key"))
		return errs
	}
	for i, v := range r.Values {
		for _, msg := range apivalidation.NameIsDNSSubdomain(v, false) {
			errs = append(errs, field.Invalid(fldPath.Child("values").Index(i), v, msg))
		}
	}
	return errs
}

// validatePodAffinityTerms checks required pod (anti-)affinity terms.
func validatePodAffinityTerms(terms []PodAffinityTerm, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, t := range terms {
		errs = append(errs, validatePodAffinityTerm(t, fldPath.Index(i))...)
	}
	return errs
}

// validateWeightedPodAffinityTerms checks preferred pod (anti-)affinity terms.
func validateWeightedPodAffinityTerms(terms []WeightedPodAffinityTerm, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, t := range terms {
		errs = append(errs, validateWeight(t.Weight, fldPath.Index(i).Child("weight"))...)
		errs = append(errs, validatePodAffinityTerm(t.PodAffinityTerm, fldPath.Index(i).Child("podAffinityTerm"))...)
	}
	return errs
}

// validatePodAffinityTerm checks selectors, namespaces and the topology key of a term.
func validatePodAffinityTerm(t PodAffinityTerm, fldPath *field.Path) field.ErrorList {
	opts := apivalidation.LabelSelectorValidationOptions{}
	errs := apivalidation.ValidateLabelSelector(t.LabelSelector, opts, fldPath.Child("labelSelector"))
	errs = append(errs, apivalidation.ValidateLabelSelector(t.NamespaceSelector, opts, fldPath.Child("namespaceSelector"))...)
	for _, ns := range t.Namespaces {
		for _, msg := range apivalidation.ValidateNamespaceName(ns, false) {
			errs = append(errs, field.Invalid(fldPath.Child("namespace"), ns, msg))
		}
	}
	errs = append(errs, validateMatchLabelKeys(t.MatchLabelKeys, t.MismatchLabelKeys, t.LabelSelector != nil, fldPath)...)
	if t.TopologyKey == "" {
		return append(errs, field.Required(fldPath.Child("topologyKey"), "can not be empty"))
	}
	return append(errs, apivalidation.ValidateLabelName(t.TopologyKey, fldPath.Child("topologyKey"))...)
}

// validateMatchLabelKeys checks matchLabelKeys and mismatchLabelKeys: label
// names, needing a labelSelector, and no key in both lists.
func validateMatchLabelKeys(match, mismatch []string, hasSelector bool, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !hasSelector {
		if len(match) > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child("matchLabelKeys"), "must not be specified when labelSelector is not set"))
		}
		if len(mismatch) > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child("mismatchLabelKeys"), "must not be specified when labelSelector is not set"))
		}
		return errs
	}
	inMatch := map[string]bool{}
	for i, k := range match {
		errs = append(errs, apivalidation.ValidateLabelName(k, fldPath.Child("matchLabelKeys").Index(i))...)
		inMatch[k] = true
	}
	for i, k := range mismatch {
		p := fldPath.Child("mismatchLabelKeys").Index(i)
		errs = append(errs, apivalidation.ValidateLabelName(k, p)...)
		if inMatch[k] {
			errs = append(errs, field.Invalid(p, k, "exists in both matchLabelKeys and mismatchLabelKeys"))
		}
	}
	return errs
}

// validateTopologySpreadConstraints checks spec.topologySpreadConstraints.
func validateTopologySpreadConstraints(cs []TopologySpreadConstraint, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, c := range cs {
		p := fldPath.Index(i)
		if c.MaxSkew <= 0 {
			errs = append(errs, field.Invalid(p.Child("maxSkew"), c.MaxSkew, apivalidation.IsNotPositiveErrorMsg))
		}
		if c.TopologyKey == "" {
			errs = append(errs, field.Required(p.Child("topologyKey"), "can not be empty"))
		} else {
			errs = append(errs, apivalidation.ValidateLabelName(c.TopologyKey, p.Child("topologyKey"))...)
		}
		switch c.WhenUnsatisfiable {
		case DoNotSchedule, ScheduleAnyway:
		default:
			errs = append(errs, field.NotSupported(p.Child("whenUnsatisfiable"), c.WhenUnsatisfiable, []UnsatisfiableConstraintAction{DoNotSchedule, ScheduleAnyway}))
		}
		for _, other := range cs[i+1:] {
			if other.TopologyKey == c.TopologyKey && other.WhenUnsatisfiable == c.WhenUnsatisfiable {
				errs = append(errs, field.Duplicate(p.Child("{topologyKey, whenUnsatisfiable}"), fmt.Sprintf("{%v, %v}", c.TopologyKey, c.WhenUnsatisfiable)))
				break
			}
		}
		if c.MinDomains != nil {
			if *c.MinDomains <= 0 {
				errs = append(errs, field.Invalid(p.Child("minDomains"), *c.MinDomains, apivalidation.IsNotPositiveErrorMsg))
			}
			if c.WhenUnsatisfiable != DoNotSchedule {
				errs = append(errs, field.Invalid(p.Child("minDomains"), *c.MinDomains, fmt.Sprintf("can only use minDomains if whenUnsatisfiable=%s, not %s", DoNotSchedule, c.WhenUnsatisfiable)))
			}
		}
		errs = append(errs, validateNodeInclusionPolicy(c.NodeAffinityPolicy, p.Child("nodeAffinityPolicy"))...)
		errs = append(errs, validateNodeInclusionPolicy(c.NodeTaintsPolicy, p.Child("nodeTaintsPolicy"))...)
		errs = append(errs, apivalidation.ValidateLabelSelector(c.LabelSelector, apivalidation.LabelSelectorValidationOptions{}, p.Child("labelSelector"))...)
		seen := map[string]bool{}
		for j, k := range c.MatchLabelKeys {
			kp := p.Child("matchLabelKeys").Index(j)
			errs = append(errs, apivalidation.ValidateLabelName(k, kp)...)
			if seen[k] {
				errs = append(errs, field.Duplicate(kp, k))
			}
			seen[k] = true
		}
	}
	return errs
}

// validateNodeInclusionPolicy checks nodeAffinityPolicy and nodeTaintsPolicy.
func validateNodeInclusionPolicy(p *NodeInclusionPolicy, fldPath *field.Path) field.ErrorList {
	if p == nil || *p == NodeInclusionPolicyHonor || *p == NodeInclusionPolicyIgnore {
		return nil
	}
	return field.ErrorList{field.NotSupported(fldPath, *p, []NodeInclusionPolicy{NodeInclusionPolicyHonor, NodeInclusionPolicyIgnore})}
}

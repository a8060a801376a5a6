package v1

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"keel.dev/apimachinery/pkg/api/resource"
	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// standardQuotaScopes are the scopes a quota may use.
var standardQuotaScopes = nameSetOf(
	ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating,
	ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort,
	ResourceQuotaScopePriorityClass, ResourceQuotaScopeCrossNamespacePodAffinity,
	ResourceQuotaScopeVolumeAttributesClass,
)

// Resources that scopes may restrict.
var (
	podObjectCountQuotaResources = nameSetOf(ResourcePods)
	podComputeQuotaResources     = nameSetOf(ResourceCPU, ResourceMemory, ResourceLimitsCPU, ResourceLimitsMemory,
		ResourceRequestsCPU, ResourceRequestsMemory)
	pvcQuotaResources = nameSetOf(ResourcePersistentVolumeClaims, ResourceRequestsStorage)
)

// quotaScopeAllowsResource reports whether a quota with scope may limit name.
func quotaScopeAllowsResource(scope ResourceQuotaScope, name ResourceName) bool {
	switch scope {
	case ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeNotBestEffort,
		ResourceQuotaScopePriorityClass, ResourceQuotaScopeCrossNamespacePodAffinity:
		return podObjectCountQuotaResources[name] || podComputeQuotaResources[name]
	case ResourceQuotaScopeBestEffort:
		return podObjectCountQuotaResources[name]
	case ResourceQuotaScopeVolumeAttributesClass:
		return pvcQuotaResources[name]
	}
	return true
}

// ValidateResourceQuota checks a resource quota on create.
func ValidateResourceQuota(rq *ResourceQuota) field.ErrorList {
	errs := validateMeta(&rq.ObjectMeta, true, ValidateResourceQuotaName)
	errs = append(errs, ValidateResourceQuotaSpec(&rq.Spec, field.NewPath("spec"))...)
	return append(errs, validateQuotaResourceList(rq.Status.Hard, field.NewPath("status", "hard"))...)
}

// validateQuotaResourceList checks the names and quantities of a quota list.
func validateQuotaResourceList(l ResourceList, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, name := range sortedResourceNames(l) {
		p := fldPath.Key(string(name))
		errs = append(errs, ValidateResourceQuotaResourceName(name, p)...)
		errs = append(errs, ValidateResourceQuantityValue(name, l[name], p)...)
	}
	return errs
}

// ValidateResourceQuotaSpec checks hard limits, scopes and the scope selector.
func ValidateResourceQuotaSpec(spec *ResourceQuotaSpec, fldPath *field.Path) field.ErrorList {
	errs := validateQuotaResourceList(spec.Hard, fldPath.Child("hard"))
	hard := sortedResourceNames(spec.Hard)

	scopesPath := fldPath.Child("scopes")
	scopes := map[ResourceQuotaScope]bool{}
	for _, scope := range spec.Scopes {
		if !standardQuotaScopes[scope] {
			errs = append(errs, field.Invalid(scopesPath, spec.Scopes, "unsupported scope"))
		}
		for _, name := range hard {
			if IsStandardQuotaResourceName(name) && !quotaScopeAllowsResource(scope, name) {
				errs = append(errs, field.Invalid(scopesPath, spec.Scopes, "unsupported scope applied to resource"))
			}
		}
		scopes[scope] = true
	}
	errs = append(errs, conflictingScopes(scopes, scopesPath, spec.Scopes)...)

	if sel := spec.ScopeSelector; sel != nil {
		exprPath := fldPath.Child("scopeSelector", "matchExpressions")
		selScopes := map[ResourceQuotaScope]bool{}
		for _, req := range sel.MatchExpressions {
			if !standardQuotaScopes[req.ScopeName] {
				errs = append(errs, field.Invalid(exprPath.Child("scopeName"), req.ScopeName, "unsupported scope"))
			}
			for _, name := range hard {
				if IsStandardQuotaResourceName(name) && !quotaScopeAllowsResource(req.ScopeName, name) {
					errs = append(errs, field.Invalid(exprPath, sel, "unsupported scope applied to resource"))
				}
			}
			switch req.ScopeName {
			case ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort, ResourceQuotaScopeTerminating,
				ResourceQuotaScopeNotTerminating, ResourceQuotaScopeCrossNamespacePodAffinity:
				if req.Operator != ScopeSelectorOpExists {
					errs = append(errs, field.Invalid(exprPath.Child("operator"), req.Operator,
						"must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"))
				}
			}
			switch req.Operator {
			case ScopeSelectorOpIn, ScopeSelectorOpNotIn:
				if len(req.Values) == 0 {
					errs = append(errs, field.Required(exprPath.Child("values"), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"))
				}
			case ScopeSelectorOpExists, ScopeSelectorOpDoesNotExist:
				if len(req.Values) != 0 {
					errs = append(errs, field.Invalid(exprPath.Child("values"), req.Values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"))
				}
			default:
				errs = append(errs, field.Invalid(exprPath.Child("operator"), req.Operator, "not a valid selector operator"))
			}
			selScopes[req.ScopeName] = true
		}
		errs = append(errs, conflictingScopes(selScopes, exprPath, spec.Scopes)...)
	}
	return errs
}

// conflictingScopes rejects BestEffort with NotBestEffort and Terminating
// with NotTerminating.
func conflictingScopes(scopes map[ResourceQuotaScope]bool, fldPath *field.Path, value []ResourceQuotaScope) field.ErrorList {
	var errs field.ErrorList
	pairs := [][2]ResourceQuotaScope{
		{ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort},
		{ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating},
	}
	for _, p := range pairs {
		if scopes[p[0]] && scopes[p[1]] {
			errs = append(errs, field.Invalid(fldPath, value, "conflicting scopes"))
		}
	}
	return errs
}

// ValidateResourceQuotaUpdate checks a quota update; scopes are fixed.
func ValidateResourceQuotaUpdate(rq, old *ResourceQuota) field.ErrorList {
	errs := validateMetaUpdate(&rq.ObjectMeta, &old.ObjectMeta)
	errs = append(errs, ValidateResourceQuotaSpec(&rq.Spec, field.NewPath("spec"))...)
	if !sameScopeSet(rq.Spec.Scopes, old.Spec.Scopes) {
		errs = append(errs, field.Invalid(field.NewPath("spec", "scopes"), rq.Spec.Scopes, apivalidation.FieldImmutableErrorMsg))
	}
	return errs
}

// sameScopeSet reports whether two scope lists hold the same scopes.
func sameScopeSet(a, b []ResourceQuotaScope) bool {
	as, bs := nameSetOf(a...), nameSetOf(b...)
	if len(as) != len(bs) {
		return false
	}
	for s := range as {
		if !bs[s] {
			return false
		}
	}
	return true
}

// ValidateResourceQuotaStatusUpdate checks an update of resourcequotas/status.
func ValidateResourceQuotaStatusUpdate(rq, old *ResourceQuota) field.ErrorList {
	errs := validateMetaUpdate(&rq.ObjectMeta, &old.ObjectMeta)
	if rq.ResourceVersion == "" {
		errs = append(errs, field.Required(field.NewPath("resourceVersion"), ""))
	}
	errs = append(errs, validateQuotaResourceList(rq.Status.Hard, field.NewPath("status", "hard"))...)
	return append(errs, validateQuotaResourceList(rq.Status.Used, field.NewPath("status", "used"))...)
}

// standardLimitTypes are the unqualified limit range types.
var standardLimitTypes = nameSetOf(LimitTypePod, LimitTypeContainer, LimitTypePersistentVolumeClaim)

// ValidateLimitRange checks a limit range: known types, each once, valid
// resource names, and consistent min ≤ defaultRequest ≤ default ≤ max.
func ValidateLimitRange(lr *LimitRange) field.ErrorList {
	errs := validateMeta(&lr.ObjectMeta, true, ValidateLimitRangeName)
	limitsPath := field.NewPath("spec", "limits")
	seenTypes := map[LimitType]bool{}
	for i := range lr.Spec.Limits {
		item := &lr.Spec.Limits[i]
		p := limitsPath.Index(i)
		errs = append(errs, validateLimitType(item.Type, p.Child("type"))...)
		if seenTypes[item.Type] {
			errs = append(errs, field.Duplicate(p.Child("type"), item.Type))
		}
		seenTypes[item.Type] = true
		errs = append(errs, validateLimitRangeItem(item, p)...)
	}
	return errs
}

// ValidateLimitRangeUpdate checks a limit range update.
func ValidateLimitRangeUpdate(lr, old *LimitRange) field.ErrorList {
	errs := validateMetaUpdate(&lr.ObjectMeta, &old.ObjectMeta)
	return append(errs, ValidateLimitRange(lr)...)
}

// validateLimitType checks a limit type: standard or domain-qualified.
func validateLimitType(t LimitType, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsQualifiedName(string(t)) {
		errs = append(errs, field.Invalid(fldPath, t, msg))
	}
	if len(errs) == 0 && !strings.Contains(string(t), "/") && !standardLimitTypes[t] {
		errs = append(errs, field.Invalid(fldPath, t, "must be a standard limit type or fully qualified"))
	}
	return errs
}

// validateLimitRangeItem checks the resource names and the ordering of the
// bounds of one limit range item.
func validateLimitRangeItem(item *LimitRangeItem, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	nameCheck := func(name ResourceName, fp *field.Path) field.ErrorList {
		if item.Type == LimitTypePod || item.Type == LimitTypeContainer {
			return ValidateContainerResourceName(name, fp)
		}
		return ValidateResourceName(name, fp)
	}
	keys := map[ResourceName]bool{}
	check := func(l ResourceList, child string) {
		for _, name := range sortedResourceNames(l) {
			errs = append(errs, nameCheck(name, p.Child(child).Key(string(name)))...)
			keys[name] = true
		}
	}
	check(item.Max, "max")
	check(item.Min, "min")
	if item.Type == LimitTypePod {
		if len(item.Default) > 0 {
			errs = append(errs, field.Forbidden(p.Child("default"), "may not be specified when `type` is 'Pod'"))
		}
		if len(item.DefaultRequest) > 0 {
			errs = append(errs, field.Forbidden(p.Child("defaultRequest"), "may not be specified when `type` is 'Pod'"))
		}
	} else {
		check(item.Default, "default")
		check(item.DefaultRequest, "defaultRequest")
	}
	if item.Type == LimitTypePersistentVolumeClaim {
		_, hasMin := item.Min[ResourceStorage]
		_, hasMax := item.Max[ResourceStorage]
		if !hasMin && !hasMax {
			errs = append(errs, field.Required(p.Child("limits"), "either minimum or maximum storage value is required, but neither was provided"))
		}
	}
	check(item.MaxLimitRequestRatio, "maxLimitRequestRatio")

	var defaults, defaultRequests ResourceList
	if item.Type != LimitTypePod {
		defaults, defaultRequests = item.Default, item.DefaultRequest
	}
	one := resource.MustParse("1")
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		key := string(k)
		minQ, hasMin := item.Min[k]
		maxQ, hasMax := item.Max[k]
		defQ, hasDef := defaults[k]
		reqQ, hasReq := defaultRequests[k]
		ratio, hasRatio := item.MaxLimitRequestRatio[k]

		if hasMin && hasMax && minQ.Cmp(maxQ) > 0 {
			errs = append(errs, field.Invalid(p.Child("min").Key(key), minQ, fmt.Sprintf("min value %s is greater than max value %s", minQ.String(), maxQ.String())))
		}
		if hasReq && hasMin && minQ.Cmp(reqQ) > 0 {
			errs = append(errs, field.Invalid(p.Child("defaultRequest").Key(key), reqQ, fmt.Sprintf("min value %s is greater than default request value %s", minQ.String(), reqQ.String())))
		}
		if hasReq && hasMax && reqQ.Cmp(maxQ) > 0 {
			errs = append(errs, field.Invalid(p.Child("defaultRequest").Key(key), reqQ, fmt.Sprintf("default request value %s is greater than max value %s", reqQ.String(), maxQ.String())))
		}
		if hasReq && hasDef && reqQ.Cmp(defQ) > 0 {
			errs = append(errs, field.Invalid(p.Child("defaultRequest").Key(key), reqQ, fmt.Sprintf("default request value %s is greater than default limit value %s", reqQ.String(), defQ.String())))
		}
		if hasDef && hasMin && minQ.Cmp(defQ) > 0 {
			errs = append(errs, field.Invalid(p.Child("default").Key(key), minQ, fmt.Sprintf("min value %s is greater than default value %s", minQ.String(), defQ.String())))
		}
		if hasDef && hasMax && defQ.Cmp(maxQ) > 0 {
			errs = append(errs, field.Invalid(p.Child("default").Key(key), maxQ, fmt.Sprintf("default value %s is greater than max value %s", defQ.String(), maxQ.String())))
		}
		if hasRatio && ratio.Cmp(one) < 0 {
			errs = append(errs, field.Invalid(p.Child("maxLimitRequestRatio").Key(key), ratio, fmt.Sprintf("ratio %s is less than 1", ratio.String())))
		}
		if hasRatio && hasMin && hasMax {
			ratioVal, minVal, maxVal := float64(ratio.Value()), minQ.Value(), maxQ.Value()
			const maxMilli = (1<<63 - 1) / 1000
			if ratio.Value() < maxMilli && minVal < maxMilli && maxVal < maxMilli {
				ratioVal = float64(ratio.MilliValue()) / 1000
				minVal, maxVal = minQ.MilliValue(), maxQ.MilliValue()
			}
			limit := float64(maxVal) / float64(minVal)
			if ratioVal > limit {
				errs = append(errs, field.Invalid(p.Child("maxLimitRequestRatio").Key(key), ratio, fmt.Sprintf("ratio %s is greater than max/min = %f", ratio.String(), limit)))
			}
		}
		if !IsOvercommitAllowed(k) && hasDef && hasReq && defQ.Cmp(reqQ) != 0 {
			errs = append(errs, field.Invalid(p.Child("defaultRequest").Key(key), reqQ, fmt.Sprintf("default value %s must equal to defaultRequest value %s in %s", defQ.String(), reqQ.String(), key)))
		}
	}
	return errs
}

// ValidateReplicationController checks a replication controller on create.
func ValidateReplicationController(rc *ReplicationController) field.ErrorList {
	errs := validateMeta(&rc.ObjectMeta, true, ValidateReplicationControllerName)
	return append(errs, validateReplicationControllerSpec(&rc.Spec, field.NewPath("spec"))...)
}

// ValidateReplicationControllerUpdate checks a replication controller update.
func ValidateReplicationControllerUpdate(rc, old *ReplicationController) field.ErrorList {
	errs := validateMetaUpdate(&rc.ObjectMeta, &old.ObjectMeta)
	return append(errs, validateReplicationControllerSpec(&rc.Spec, field.NewPath("spec"))...)
}

// ValidateReplicationControllerStatusUpdate checks an update of
// replicationcontrollers/status: counts are non-negative and consistent.
func ValidateReplicationControllerStatusUpdate(rc, old *ReplicationController) field.ErrorList {
	errs := validateMetaUpdate(&rc.ObjectMeta, &old.ObjectMeta)
	st, p := rc.Status, field.NewPath("status")
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(st.Replicas), p.Child("replicas"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(st.FullyLabeledReplicas), p.Child("fullyLabeledReplicas"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(st.ReadyReplicas), p.Child("readyReplicas"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(st.AvailableReplicas), p.Child("availableReplicas"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(st.ObservedGeneration, p.Child("observedGeneration"))...)
	const msg = "cannot be greater than status.replicas"
	if st.FullyLabeledReplicas > st.Replicas {
		errs = append(errs, field.Invalid(p.Child("fullyLabeledReplicas"), st.FullyLabeledReplicas, msg))
	}
	if st.ReadyReplicas > st.Replicas {
		errs = append(errs, field.Invalid(p.Child("readyReplicas"), st.ReadyReplicas, msg))
	}
	if st.AvailableReplicas > st.Replicas {
		errs = append(errs, field.Invalid(p.Child("availableReplicas"), st.AvailableReplicas, msg))
	}
	if st.AvailableReplicas > st.ReadyReplicas {
		errs = append(errs, field.Invalid(p.Child("availableReplicas"), st.AvailableReplicas, "cannot be greater than readyReplicas"))
	}
	return errs
}

// validateReplicationControllerSpec checks replicas, the selector and the
// pod template (which must match the selector and restart Always).
func validateReplicationControllerSpec(spec *ReplicationControllerSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	if len(spec.Selector) == 0 {
		errs = append(errs, field.Required(fldPath.Child("selector"), ""))
	}
	replicas := int32(0)
	if spec.Replicas != nil {
		replicas = *spec.Replicas
	}
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(replicas), fldPath.Child("replicas"))...)

	tmplPath := fldPath.Child("template")
	t := spec.Template
	if t == nil {
		return append(errs, field.Required(tmplPath, ""))
	}
	if len(spec.Selector) > 0 {
		for k, v := range spec.Selector {
			if lv, ok := t.Labels[k]; !ok || lv != v {
				errs = append(errs, field.Invalid(tmplPath.Child("metadata", "labels"), t.Labels, "`selector` does not match template `labels`"))
				break
			}
		}
	}
	errs = append(errs, ValidatePodTemplateSpec(t, tmplPath)...)
	if t.Spec.RestartPolicy != RestartPolicyAlways {
		errs = append(errs, field.NotSupported(tmplPath.Child("spec", "restartPolicy"), t.Spec.RestartPolicy, []RestartPolicy{RestartPolicyAlways}))
	}
	if t.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(tmplPath.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicationController is not Supported"))
	}
	return errs
}

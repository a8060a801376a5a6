package v1

import (
	"fmt"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/apimachinery/pkg/util/validation/field"

	corev1 "keel.dev/api/core/v1"
	internal "keel.dev/api/internal/apivalidation"
)

var (
	deploymentStrategies = []DeploymentStrategyType{RecreateDeploymentStrategyType, RollingUpdateDeploymentStrategyType}
	daemonSetStrategies  = []DaemonSetUpdateStrategyType{RollingUpdateDaemonSetStrategyType, OnDeleteDaemonSetStrategyType}
	retentionPolicies    = []PersistentVolumeClaimRetentionPolicyType{RetainPersistentVolumeClaimRetentionPolicyType, DeletePersistentVolumeClaimRetentionPolicyType}
	alwaysRestart        = []corev1.RestartPolicy{corev1.RestartPolicyAlways}
)

func metaPath() *field.Path { return field.NewPath("metadata") }

func nonNegative(v *int32, p *field.Path) field.ErrorList {
	if v == nil {
		return nil
	}
	return apivalidation.ValidateNonnegativeField(int64(*v), p)
}

// validateSelector requires a non-empty, well-formed selector; kind names
// the workload in the empty-selector message.
func validateSelector(sel *metav1.LabelSelector, kind string, fldPath *field.Path) field.ErrorList {
	if sel == nil {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	errs := apivalidation.ValidateLabelSelector(sel, apivalidation.LabelSelectorValidationOptions{}, fldPath)
	if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		errs = append(errs, field.Invalid(fldPath, sel, "empty selector is invalid for "+kind))
	}
	return errs
}

// validateTemplateForSelector checks that the selector matches the
// template's labels, the template itself, and the workload-wide rules on
// restartPolicy (Always only) and activeDeadlineSeconds (not allowed).
func validateTemplateForSelector(tmpl *corev1.PodTemplateSpec, selector *metav1.LabelSelector, selPath *field.Path, kind string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	sel, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil {
		errs = append(errs, field.Invalid(selPath, selector, "invalid label selector"))
	} else if !sel.Empty() && !sel.Matches(labels.Set(tmpl.Labels)) {
		errs = append(errs, field.Invalid(fldPath.Child("metadata", "labels"), tmpl.Labels, "`selector` does not match template `labels`"))
	}
	errs = append(errs, corev1.ValidatePodTemplateSpec(tmpl, fldPath)...)
	if tmpl.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(fldPath.Child("spec", "restartPolicy"), tmpl.Spec.RestartPolicy, alwaysRestart))
	}
	if tmpl.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(fldPath.Child("spec", "activeDeadlineSeconds"),
			fmt.Sprintf("activeDeadlineSeconds in %s is not Supported", kind)))
	}
	return errs
}

// ValidateDeployment checks a deployment on create.
func ValidateDeployment(d *Deployment) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&d.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, metaPath())
	return append(errs, ValidateDeploymentSpec(&d.Spec, field.NewPath("spec"))...)
}

// ValidateDeploymentUpdate checks a deployment on update; the selector is
// immutable.
func ValidateDeploymentUpdate(d, old *Deployment) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, metaPath())
	errs = append(errs, ValidateDeploymentSpec(&d.Spec, field.NewPath("spec"))...)
	return append(errs, apivalidation.ValidateImmutableField(d.Spec.Selector, old.Spec.Selector, field.NewPath("spec", "selector"))...)
}

// ValidateDeploymentSpec checks replicas, selector, template, strategy and
// the timing fields of a deployment.
func ValidateDeploymentSpec(spec *DeploymentSpec, fldPath *field.Path) field.ErrorList {
	errs := nonNegative(spec.Replicas, fldPath.Child("replicas"))
	errs = append(errs, validateSelector(spec.Selector, "deployment", fldPath.Child("selector"))...)
	errs = append(errs, validateTemplateForSelector(&spec.Template, spec.Selector, fldPath.Child("selector"), "ReplicaSet", fldPath.Child("template"))...)
	errs = append(errs, validateDeploymentStrategy(&spec.Strategy, fldPath.Child("strategy"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	errs = append(errs, nonNegative(spec.RevisionHistoryLimit, fldPath.Child("revisionHistoryLimit"))...)
	if spec.ProgressDeadlineSeconds != nil {
		errs = append(errs, nonNegative(spec.ProgressDeadlineSeconds, fldPath.Child("progressDeadlineSeconds"))...)
		if *spec.ProgressDeadlineSeconds <= spec.MinReadySeconds {
			errs = append(errs, field.Invalid(fldPath.Child("progressDeadlineSeconds"), *spec.ProgressDeadlineSeconds, "must be greater than minReadySeconds"))
		}
	}
	return errs
}

func validateDeploymentStrategy(st *DeploymentStrategy, fldPath *field.Path) field.ErrorList {
	switch st.Type {
	case RecreateDeploymentStrategyType:
		if st.RollingUpdate != nil {
			return field.ErrorList{field.Forbidden(fldPath.Child("rollingUpdate"),
				fmt.Sprintf("may not be specified when strategy `type` is '%s'", RecreateDeploymentStrategyType))}
		}
	case RollingUpdateDeploymentStrategyType:
		if st.RollingUpdate == nil {
			return field.ErrorList{field.Required(fldPath.Child("rollingUpdate"), "this should be defaulted and never be nil")}
		}
		return validateRollingUpdateDeployment(st.RollingUpdate, fldPath.Child("rollingUpdate"))
	default:
		return field.ErrorList{field.NotSupported(fldPath.Child("type"), st.Type, deploymentStrategies)}
	}
	return nil
}

func intOrPercentChecks(v *intstr.IntOrString, p *field.Path) field.ErrorList {
	if v == nil {
		return nil
	}
	errs := internal.ValidatePositiveIntOrPercent(*v, p)
	return append(errs, internal.IsNotMoreThan100Percent(*v, p)...)
}

func validateRollingUpdateDeployment(ru *RollingUpdateDeployment, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if ru.MaxUnavailable != nil {
		errs = append(errs, internal.ValidatePositiveIntOrPercent(*ru.MaxUnavailable, fldPath.Child("maxUnavailable"))...)
	}
	if ru.MaxSurge != nil {
		errs = append(errs, internal.ValidatePositiveIntOrPercent(*ru.MaxSurge, fldPath.Child("maxSurge"))...)
	}
	if internal.IntOrPercentValue(ru.MaxUnavailable) == 0 && internal.IntOrPercentValue(ru.MaxSurge) == 0 {
		errs = append(errs, field.Invalid(fldPath.Child("maxUnavailable"), ru.MaxUnavailable, "may not be 0 when `maxSurge` is 0"))
	}
	if ru.MaxUnavailable != nil {
		errs = append(errs, internal.IsNotMoreThan100Percent(*ru.MaxUnavailable, fldPath.Child("maxUnavailable"))...)
	}
	return errs
}

// ValidateReplicaSet checks a replica set on create.
func ValidateReplicaSet(rs *ReplicaSet) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&rs.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, metaPath())
	return append(errs, ValidateReplicaSetSpec(&rs.Spec, field.NewPath("spec"))...)
}

// ValidateReplicaSetUpdate checks a replica set on update; the selector is
// immutable.
func ValidateReplicaSetUpdate(rs, old *ReplicaSet) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, metaPath())
	errs = append(errs, ValidateReplicaSetSpec(&rs.Spec, field.NewPath("spec"))...)
	return append(errs, apivalidation.ValidateImmutableField(rs.Spec.Selector, old.Spec.Selector, field.NewPath("spec", "selector"))...)
}

// ValidateReplicaSetSpec checks replicas, selector and template.
func ValidateReplicaSetSpec(spec *ReplicaSetSpec, fldPath *field.Path) field.ErrorList {
	errs := nonNegative(spec.Replicas, fldPath.Child("replicas"))
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	// Kubernetes words the empty-selector error of ReplicaSets as for
	// deployments.
	errs = append(errs, validateSelector(spec.Selector, "deployment", fldPath.Child("selector"))...)
	return append(errs, validateTemplateForSelector(&spec.Template, spec.Selector, fldPath.Child("selector"), "ReplicaSet", fldPath.Child("template"))...)
}

// ValidateDaemonSet checks a DaemonSet on create.
func ValidateDaemonSet(ds *DaemonSet) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&ds.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, metaPath())
	return append(errs, ValidateDaemonSetSpec(&ds.Spec, field.NewPath("spec"))...)
}

// ValidateDaemonSetUpdate checks a DaemonSet on update; the selector is
// immutable.
func ValidateDaemonSetUpdate(ds, old *DaemonSet) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&ds.ObjectMeta, &old.ObjectMeta, metaPath())
	errs = append(errs, ValidateDaemonSetSpec(&ds.Spec, field.NewPath("spec"))...)
	return append(errs, apivalidation.ValidateImmutableField(ds.Spec.Selector, old.Spec.Selector, field.NewPath("spec", "selector"))...)
}

// ValidateDaemonSetSpec checks selector, template, update strategy and the
// counters of a DaemonSet.
func ValidateDaemonSetSpec(spec *DaemonSetSpec, fldPath *field.Path) field.ErrorList {
	sp := fldPath.Child("selector")
	errs := apivalidation.ValidateLabelSelector(spec.Selector, apivalidation.LabelSelectorValidationOptions{}, sp)
	if sel, err := metav1.LabelSelectorAsSelector(spec.Selector); err == nil && !sel.Matches(labels.Set(spec.Template.Labels)) {
		errs = append(errs, field.Invalid(fldPath.Child("template", "metadata", "labels"), spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	if spec.Selector != nil && len(spec.Selector.MatchLabels)+len(spec.Selector.MatchExpressions) == 0 {
		errs = append(errs, field.Invalid(sp, spec.Selector, "empty selector is invalid for daemonset"))
	}
	tp := fldPath.Child("template")
	errs = append(errs, corev1.ValidatePodTemplateSpec(&spec.Template, tp)...)
	if spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(tp.Child("spec", "restartPolicy"), spec.Template.Spec.RestartPolicy, alwaysRestart))
	}
	if spec.Template.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(tp.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in DaemonSet is not Supported"))
	}
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	errs = append(errs, validateDaemonSetStrategy(&spec.UpdateStrategy, fldPath.Child("updateStrategy"))...)
	return append(errs, nonNegative(spec.RevisionHistoryLimit, fldPath.Child("revisionHistoryLimit"))...)
}

func validateDaemonSetStrategy(st *DaemonSetUpdateStrategy, fldPath *field.Path) field.ErrorList {
	switch st.Type {
	case OnDeleteDaemonSetStrategyType:
		return nil
	case RollingUpdateDaemonSetStrategyType:
		if st.RollingUpdate == nil {
			return field.ErrorList{field.Required(fldPath.Child("rollingUpdate"), "")}
		}
		ru, p := st.RollingUpdate, fldPath.Child("rollingUpdate")
		errs := intOrPercentChecks(ru.MaxUnavailable, p.Child("maxUnavailable"))
		errs = append(errs, intOrPercentChecks(ru.MaxSurge, p.Child("maxSurge"))...)
		hasUnavailable := internal.IntOrPercentValue(ru.MaxUnavailable) != 0
		hasSurge := internal.IntOrPercentValue(ru.MaxSurge) != 0
		switch {
		case hasUnavailable && hasSurge:
			errs = append(errs, field.Invalid(p.Child("maxSurge"), ru.MaxSurge, "may not be set when maxUnavailable is non-zero"))
		case !hasUnavailable && !hasSurge:
			errs = append(errs, field.Required(p.Child("maxUnavailable"), "cannot be 0 when maxSurge is 0"))
		}
		return errs
	default:
		return field.ErrorList{field.NotSupported(fldPath.Child("type"), st.Type, daemonSetStrategies)}
	}
}

// ValidateStatefulSet checks a StatefulSet on create.
func ValidateStatefulSet(ss *StatefulSet) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&ss.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, metaPath())
	return append(errs, ValidateStatefulSetSpec(&ss.Spec, field.NewPath("spec"))...)
}

// ValidateStatefulSetSpec checks a StatefulSet spec.
func ValidateStatefulSetSpec(spec *StatefulSetSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch spec.PodManagementPolicy {
	case "":
		errs = append(errs, field.Required(fldPath.Child("podManagementPolicy"), ""))
	case OrderedReadyPodManagement, ParallelPodManagement:
	default:
		errs = append(errs, field.Invalid(fldPath.Child("podManagementPolicy"), spec.PodManagementPolicy,
			fmt.Sprintf("must be '%s' or '%s'", OrderedReadyPodManagement, ParallelPodManagement)))
	}
	up := fldPath.Child("updateStrategy")
	switch spec.UpdateStrategy.Type {
	case "":
		errs = append(errs, field.Required(up, ""))
	case OnDeleteStatefulSetStrategyType:
		if spec.UpdateStrategy.RollingUpdate != nil {
			errs = append(errs, field.Invalid(up.Child("rollingUpdate"), spec.UpdateStrategy.RollingUpdate,
				fmt.Sprintf("only allowed for updateStrategy '%s'", RollingUpdateStatefulSetStrategyType)))
		}
	case RollingUpdateStatefulSetStrategyType:
		if ru := spec.UpdateStrategy.RollingUpdate; ru != nil {
			rp := up.Child("rollingUpdate")
			errs = append(errs, nonNegative(ru.Partition, rp.Child("partition"))...)
			if ru.MaxUnavailable != nil {
				errs = append(errs, intOrPercentChecks(ru.MaxUnavailable, rp.Child("maxUnavailable"))...)
				if internal.IntOrPercentValue(ru.MaxUnavailable) == 0 {
					errs = append(errs, field.Invalid(rp.Child("maxUnavailable"), ru.MaxUnavailable, "cannot be 0"))
				}
			}
		}
	default:
		errs = append(errs, field.Invalid(up, spec.UpdateStrategy,
			fmt.Sprintf("must be '%s' or '%s'", RollingUpdateStatefulSetStrategyType, OnDeleteStatefulSetStrategyType)))
	}
	if p := spec.PersistentVolumeClaimRetentionPolicy; p != nil {
		pp := fldPath.Child("persistentVolumeClaimRetentionPolicy")
		if !contains(retentionPolicies, p.WhenDeleted) {
			errs = append(errs, field.NotSupported(pp.Child("whenDeleted"), p.WhenDeleted, retentionPolicies))
		}
		if !contains(retentionPolicies, p.WhenScaled) {
			errs = append(errs, field.NotSupported(pp.Child("whenScaled"), p.WhenScaled, retentionPolicies))
		}
	}
	if spec.Ordinals != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(spec.Ordinals.Start), fldPath.Child("ordinals", "start"))...)
	}
	errs = append(errs, nonNegative(spec.Replicas, fldPath.Child("replicas"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	errs = append(errs, nonNegative(spec.RevisionHistoryLimit, fldPath.Child("revisionHistoryLimit"))...)
	if spec.ServiceName != "" {
		for _, msg := range apivalidation.NameIsDNS1035Label(spec.ServiceName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("serviceName"), spec.ServiceName, msg))
		}
	}
	if spec.Selector == nil {
		errs = append(errs, field.Required(fldPath.Child("selector"), ""))
	} else {
		errs = append(errs, apivalidation.ValidateLabelSelector(spec.Selector, apivalidation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))...)
		if len(spec.Selector.MatchLabels)+len(spec.Selector.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(fldPath.Child("selector"), spec.Selector, "empty selector is invalid for statefulset"))
		}
	}
	tp := fldPath.Child("template")
	if sel, err := metav1.LabelSelectorAsSelector(spec.Selector); err != nil {
		errs = append(errs, field.Invalid(fldPath.Child("selector"), spec.Selector, ""))
	} else if !sel.Empty() && !sel.Matches(labels.Set(spec.Template.Labels)) {
		errs = append(errs, field.Invalid(tp.Child("metadata", "labels"), spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	errs = append(errs, corev1.ValidatePodTemplateSpec(templateWithClaims(spec), tp)...)
	if spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(tp.Child("spec", "restartPolicy"), spec.Template.Spec.RestartPolicy, alwaysRestart))
	}
	if spec.Template.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(tp.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in StatefulSet is not Supported"))
	}
	return errs
}

// templateWithClaims returns the pod template as the controller will run
// it: with a volume for each claim template the pod spec does not already
// define, so that mounts of claim templates validate.
func templateWithClaims(spec *StatefulSetSpec) *corev1.PodTemplateSpec {
	if len(spec.VolumeClaimTemplates) == 0 {
		return &spec.Template
	}
	t := spec.Template.DeepCopy()
	have := map[string]bool{}
	for _, v := range t.Spec.Volumes {
		have[v.Name] = true
	}
	for _, c := range spec.VolumeClaimTemplates {
		if have[c.Name] {
			continue
		}
		t.Spec.Volumes = append(t.Spec.Volumes, corev1.Volume{
			Name: c.Name,
			VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: c.Name},
			},
		})
	}
	return t
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ValidateStatefulSetUpdate checks a StatefulSet update: only replicas,
// ordinals, template, updateStrategy, revisionHistoryLimit,
// persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
func ValidateStatefulSetUpdate(ss, old *StatefulSet) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&ss.ObjectMeta, &old.ObjectMeta, metaPath())
	errs = append(errs, ValidateStatefulSetSpec(&ss.Spec, field.NewPath("spec"))...)
	a, b := ss.Spec.DeepCopy(), old.Spec.DeepCopy()
	for _, s := range []*StatefulSetSpec{a, b} {
		s.Replicas, s.Ordinals, s.Template, s.UpdateStrategy = nil, nil, corev1.PodTemplateSpec{}, StatefulSetUpdateStrategy{}
		s.RevisionHistoryLimit, s.PersistentVolumeClaimRetentionPolicy, s.MinReadySeconds = nil, nil, 0
	}
	if len(apivalidation.ValidateImmutableField(a, b, field.NewPath("spec"))) > 0 {
		errs = append(errs, field.Forbidden(field.NewPath("spec"), "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
	}
	return errs
}

// ValidateControllerRevision checks a controller revision on create.
func ValidateControllerRevision(r *ControllerRevision) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&r.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, metaPath())
	if len(r.Data.Raw) == 0 && r.Data.Object == nil {
		errs = append(errs, field.Required(field.NewPath("data"), "data is mandatory"))
	}
	return append(errs, apivalidation.ValidateNonnegativeField(r.Revision, field.NewPath("revision"))...)
}

// ValidateControllerRevisionUpdate checks a controller revision on update;
// its data is immutable.
func ValidateControllerRevisionUpdate(r, old *ControllerRevision) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&r.ObjectMeta, &old.ObjectMeta, metaPath())
	errs = append(errs, ValidateControllerRevision(r)...)
	if string(r.Data.Raw) != string(old.Data.Raw) {
		errs = append(errs, field.Invalid(field.NewPath("data"), field.OmitValueType, "field is immutable"))
	}
	return errs
}

package v1

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	utilvalidation "keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"

	"keel.dev/api/batch/cron"
	corev1 "keel.dev/api/core/v1"
)

// Limits of job specs.
const (
	maxParallelismForIndexedJob   = 100000
	maxFailedIndexesForIndexedJob = 100000
	maxPodFailurePolicyRules      = 20
	maxOnExitCodesValues          = 255
	maxOnPodConditionsPatterns    = 20
	maxManagedByLength            = 63
	maxSuccessPolicyRules         = 20
	// cronJobNameMax leaves room for the 11-character suffix the controller
	// appends to job names.
	cronJobNameMax = utilvalidation.DNS1035LabelMaxLength - 11
)

var (
	completionModes      = []CompletionMode{NonIndexedCompletion, IndexedCompletion}
	failureActions       = []PodFailurePolicyAction{PodFailurePolicyActionCount, PodFailurePolicyActionFailIndex, PodFailurePolicyActionFailJob, PodFailurePolicyActionIgnore}
	exitCodeOperators    = []PodFailurePolicyOnExitCodesOperator{PodFailurePolicyOnExitCodesOpIn, PodFailurePolicyOnExitCodesOpNotIn}
	conditionStatuses    = []corev1.ConditionStatus{corev1.ConditionFalse, corev1.ConditionTrue, corev1.ConditionUnknown}
	replacementPolicies  = []PodReplacementPolicy{Failed, TerminatingOrFailed}
	concurrencyPolicies  = []ConcurrencyPolicy{AllowConcurrent, ForbidConcurrent, ReplaceConcurrent}
	jobRestartPolicies   = []corev1.RestartPolicy{corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}
	timeZoneComponent    = regexp.MustCompile(`^[A-Za-z\.\-_0-9+]{1,14}$`)
	managedByPathPattern = regexp.MustCompile(`^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$`)
)

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// PrepareJobForCreate generates the selector and pod labels of a job that
// does not choose its selector by hand. The API server calls it on create,
// after the UID is assigned and before validation.
func PrepareJobForCreate(j *Job) {
	if j.Spec.ManualSelector != nil && *j.Spec.ManualSelector {
		return
	}
	tmpl := &j.Spec.Template
	if tmpl.Labels == nil {
		tmpl.Labels = map[string]string{}
	}
	setIfMissing := func(m map[string]string, k, v string) {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	setIfMissing(tmpl.Labels, LegacyJobNameLabel, j.Name)
	setIfMissing(tmpl.Labels, JobNameLabel, j.Name)
	setIfMissing(tmpl.Labels, LegacyControllerUidLabel, string(j.UID))
	setIfMissing(tmpl.Labels, ControllerUidLabel, string(j.UID))
	if j.Spec.Selector == nil {
		j.Spec.Selector = &metav1.LabelSelector{}
	}
	if j.Spec.Selector.MatchLabels == nil {
		j.Spec.Selector.MatchLabels = map[string]string{}
	}
	setIfMissing(j.Spec.Selector.MatchLabels, ControllerUidLabel, string(j.UID))
}

// ValidateJob checks a job on create.
func ValidateJob(j *Job) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&j.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	errs = append(errs, validateGeneratedSelector(j)...)
	errs = append(errs, ValidateJobSpec(&j.Spec, field.NewPath("spec"))...)
	if j.Spec.CompletionMode != nil && *j.Spec.CompletionMode == IndexedCompletion && j.Spec.Completions != nil && *j.Spec.Completions > 0 {
		host := fmt.Sprintf("%s-%d", j.Name, *j.Spec.Completions-1)
		if len(utilvalidation.IsDNS1123Label(host)) > 0 {
			errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), j.Name, "will not able to create pod with invalid DNS label: "+host))
		}
	}
	return errs
}

// validateGeneratedSelector checks that a generated selector and the pod
// labels carry the job's name and UID.
func validateGeneratedSelector(j *Job) field.ErrorList {
	if (j.Spec.ManualSelector != nil && *j.Spec.ManualSelector) || j.Spec.Selector == nil {
		return nil
	}
	var errs field.ErrorList
	if j.UID == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "uid"), ""))
	}
	meta := field.NewPath("spec", "template", "metadata")
	expected := map[string]string{
		LegacyControllerUidLabel: string(j.UID),
		LegacyJobNameLabel:       j.Name,
		ControllerUidLabel:       string(j.UID),
		JobNameLabel:             j.Name,
	}
	for _, k := range []string{LegacyControllerUidLabel, LegacyJobNameLabel, ControllerUidLabel, JobNameLabel} {
		errs = append(errs, validateHasLabel(j.Spec.Template.Labels, meta, k, expected[k])...)
	}
	if sel, err := metav1.LabelSelectorAsSelector(j.Spec.Selector); err == nil && !sel.Matches(labels.Set(expected)) {
		errs = append(errs, field.Invalid(field.NewPath("spec", "selector"), j.Spec.Selector, "`selector` not auto-generated"))
	}
	return errs
}

func validateHasLabel(l map[string]string, fldPath *field.Path, key, want string) field.ErrorList {
	got, ok := l[key]
	if !ok {
		return field.ErrorList{field.Required(fldPath.Child("labels").Key(key), want)}
	}
	if got != want {
		return field.ErrorList{field.Invalid(fldPath.Child("labels").Key(key), l, fmt.Sprintf("must be '%s'", want))}
	}
	return nil
}

// ValidateJobUpdate checks a job on update: selector, template, completion
// settings and failure/success policies are immutable.
func ValidateJobUpdate(j, old *Job) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&j.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	spec := field.NewPath("spec")
	errs = append(errs, ValidateJobSpec(&j.Spec, spec)...)
	immutable := []struct {
		name     string
		new, old any
	}{
		{"completions", j.Spec.Completions, old.Spec.Completions},
		{"selector", j.Spec.Selector, old.Spec.Selector},
		{"template", j.Spec.Template, old.Spec.Template},
		{"completionMode", j.Spec.CompletionMode, old.Spec.CompletionMode},
		{"podFailurePolicy", j.Spec.PodFailurePolicy, old.Spec.PodFailurePolicy},
		{"backoffLimitPerIndex", j.Spec.BackoffLimitPerIndex, old.Spec.BackoffLimitPerIndex},
		{"managedBy", j.Spec.ManagedBy, old.Spec.ManagedBy},
		{"successPolicy", j.Spec.SuccessPolicy, old.Spec.SuccessPolicy},
	}
	for _, f := range immutable {
		errs = append(errs, apivalidation.ValidateImmutableField(f.new, f.old, spec.Child(f.name))...)
	}
	return errs
}

// ValidateJobSpec checks a job spec including its selector.
func ValidateJobSpec(spec *JobSpec, fldPath *field.Path) field.ErrorList {
	errs := validateJobSpec(spec, fldPath)
	if spec.Selector == nil {
		errs = append(errs, field.Required(fldPath.Child("selector"), ""))
	} else {
		errs = append(errs, apivalidation.ValidateLabelSelector(spec.Selector, apivalidation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))...)
	}
	if sel, err := metav1.LabelSelectorAsSelector(spec.Selector); err == nil && !sel.Matches(labels.Set(spec.Template.Labels)) {
		errs = append(errs, field.Invalid(fldPath.Child("template", "metadata", "labels"), spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	return errs
}

func nonNegative32(v *int32, p *field.Path) field.ErrorList {
	if v == nil {
		return nil
	}
	return apivalidation.ValidateNonnegativeField(int64(*v), p)
}

// validateJobSpec checks everything in a job spec but the selector.
func validateJobSpec(spec *JobSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, nonNegative32(spec.Parallelism, fldPath.Child("parallelism"))...)
	errs = append(errs, nonNegative32(spec.Completions, fldPath.Child("completions"))...)
	if spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(*spec.ActiveDeadlineSeconds, fldPath.Child("activeDeadlineSeconds"))...)
	}
	errs = append(errs, nonNegative32(spec.BackoffLimit, fldPath.Child("backoffLimit"))...)
	errs = append(errs, nonNegative32(spec.TTLSecondsAfterFinished, fldPath.Child("ttlSecondsAfterFinished"))...)
	errs = append(errs, nonNegative32(spec.BackoffLimitPerIndex, fldPath.Child("backoffLimitPerIndex"))...)
	if spec.MaxFailedIndexes != nil {
		errs = append(errs, nonNegative32(spec.MaxFailedIndexes, fldPath.Child("maxFailedIndexes"))...)
		if spec.BackoffLimitPerIndex == nil {
			errs = append(errs, field.Required(fldPath.Child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"))
		}
	}
	if spec.ManagedBy != nil {
		errs = append(errs, validateManagedBy(*spec.ManagedBy, fldPath.Child("managedBy"))...)
	}
	indexed := spec.CompletionMode != nil && *spec.CompletionMode == IndexedCompletion
	if spec.CompletionMode != nil {
		if !contains(completionModes, *spec.CompletionMode) {
			errs = append(errs, field.NotSupported(fldPath.Child("completionMode"), *spec.CompletionMode, completionModes))
		}
		if indexed {
			if spec.Completions == nil {
				errs = append(errs, field.Required(fldPath.Child("completions"), fmt.Sprintf("when completion mode is %s", IndexedCompletion)))
			}
			if spec.Parallelism != nil && *spec.Parallelism > maxParallelismForIndexedJob {
				errs = append(errs, field.Invalid(fldPath.Child("parallelism"), *spec.Parallelism,
					fmt.Sprintf("must be less than or equal to %d when completion mode is %s", maxParallelismForIndexedJob, IndexedCompletion)))
			}
			if spec.Completions != nil && spec.MaxFailedIndexes != nil && *spec.MaxFailedIndexes > *spec.Completions {
				errs = append(errs, field.Invalid(fldPath.Child("maxFailedIndexes"), *spec.MaxFailedIndexes, "must be less than or equal to completions"))
			}
			if spec.MaxFailedIndexes != nil && *spec.MaxFailedIndexes > maxFailedIndexesForIndexedJob {
				errs = append(errs, field.Invalid(fldPath.Child("maxFailedIndexes"), *spec.MaxFailedIndexes,
					fmt.Sprintf("must be less than or equal to %d", maxFailedIndexesForIndexedJob)))
			}
		}
	}
	if !indexed {
		if spec.BackoffLimitPerIndex != nil {
			errs = append(errs, field.Invalid(fldPath.Child("backoffLimitPerIndex"), *spec.BackoffLimitPerIndex, "requires indexed completion mode"))
		}
		if spec.MaxFailedIndexes != nil {
			errs = append(errs, field.Invalid(fldPath.Child("maxFailedIndexes"), *spec.MaxFailedIndexes, "requires indexed completion mode"))
		}
	}
	if spec.PodFailurePolicy != nil {
		errs = append(errs, validatePodFailurePolicy(spec, fldPath.Child("podFailurePolicy"))...)
	}
	if spec.SuccessPolicy != nil {
		if !indexed {
			errs = append(errs, field.Invalid(fldPath.Child("successPolicy"), *spec.SuccessPolicy, "requires indexed completion mode"))
		} else {
			errs = append(errs, validateSuccessPolicy(spec.SuccessPolicy, fldPath.Child("successPolicy"))...)
		}
	}
	if p := spec.PodReplacementPolicy; p != nil {
		if spec.PodFailurePolicy != nil {
			if *p != Failed {
				errs = append(errs, field.NotSupported(fldPath.Child("podReplacementPolicy"), *p, []PodReplacementPolicy{Failed}))
			}
		} else if !contains(replacementPolicies, *p) {
			errs = append(errs, field.NotSupported(fldPath.Child("podReplacementPolicy"), *p, replacementPolicies))
		}
	}
	errs = append(errs, corev1.ValidatePodTemplateSpec(&spec.Template, fldPath.Child("template"))...)
	rp := fldPath.Child("template", "spec", "restartPolicy")
	switch policy := spec.Template.Spec.RestartPolicy; {
	case policy == corev1.RestartPolicyAlways || policy == "":
		errs = append(errs, field.Required(rp, fmt.Sprintf("valid values: %q, %q", corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever)))
	case !contains(jobRestartPolicies, policy):
		errs = append(errs, field.NotSupported(rp, policy, jobRestartPolicies))
	case spec.PodFailurePolicy != nil && policy != corev1.RestartPolicyNever:
		errs = append(errs, field.Invalid(rp, policy, fmt.Sprintf("only %q is supported when podFailurePolicy is specified", corev1.RestartPolicyNever)))
	}
	return errs
}

// validateManagedBy checks a domain-prefixed controller name.
func validateManagedBy(v string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	host, path, ok := strings.Cut(v, "/")
	switch {
	case v == "":
		errs = append(errs, field.Required(fldPath, ""))
	case !ok || host == "" || path == "":
		errs = append(errs, field.Invalid(fldPath, v, `must be a domain-prefixed path (such as "acme.io/foo")`))
	default:
		for _, msg := range utilvalidation.IsDNS1123Subdomain(host) {
			errs = append(errs, field.Invalid(fldPath, host, msg))
		}
		if !managedByPathPattern.MatchString(path) {
			errs = append(errs, field.Invalid(fldPath, path, utilvalidation.RegexError("must be a valid path", `[A-Za-z0-9/\-._~%!$&'()*+,;=:]+`)))
		}
	}
	if len(v) > maxManagedByLength {
		errs = append(errs, field.TooLong(fldPath, v, maxManagedByLength))
	}
	return errs
}

func validatePodFailurePolicy(spec *JobSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	rules := spec.PodFailurePolicy.Rules
	rulesPath := fldPath.Child("rules")
	if len(rules) > maxPodFailurePolicyRules {
		errs = append(errs, field.TooMany(rulesPath, len(rules), maxPodFailurePolicyRules))
	}
	containers := map[string]bool{}
	for _, c := range spec.Template.Spec.Containers {
		containers[c.Name] = true
	}
	for _, c := range spec.Template.Spec.InitContainers {
		containers[c.Name] = true
	}
	for i, rule := range rules {
		p := rulesPath.Index(i)
		if !contains(failureActions, rule.Action) {
			errs = append(errs, field.NotSupported(p.Child("action"), rule.Action, failureActions))
		} else if rule.Action == PodFailurePolicyActionFailIndex && spec.BackoffLimitPerIndex == nil {
			errs = append(errs, field.Invalid(p.Child("action"), rule.Action, "requires the backoffLimitPerIndex to be set"))
		}
		switch {
		case rule.OnExitCodes == nil && len(rule.OnPodConditions) == 0:
			errs = append(errs, field.Invalid(p, field.OmitValueType, "specifying one of OnExitCodes and OnPodConditions is required"))
		case rule.OnExitCodes != nil && len(rule.OnPodConditions) > 0:
			errs = append(errs, field.Invalid(p, field.OmitValueType, "specifying both OnExitCodes and OnPodConditions is not supported"))
		}
		if ec := rule.OnExitCodes; ec != nil {
			ep := p.Child("onExitCodes")
			if ec.ContainerName != nil && !containers[*ec.ContainerName] {
				errs = append(errs, field.Invalid(ep.Child("containerName"), *ec.ContainerName, "must be one of the container or initContainer names in the pod template"))
			}
			if !contains(exitCodeOperators, ec.Operator) {
				errs = append(errs, field.NotSupported(ep.Child("operator"), ec.Operator, exitCodeOperators))
			}
			vp := ep.Child("values")
			switch {
			case len(ec.Values) == 0:
				errs = append(errs, field.Invalid(vp, ec.Values, "at least one value is required"))
			case len(ec.Values) > maxOnExitCodesValues:
				errs = append(errs, field.TooMany(vp, len(ec.Values), maxOnExitCodesValues))
			}
			for k, v := range ec.Values {
				if ec.Operator == PodFailurePolicyOnExitCodesOpIn && v == 0 {
					errs = append(errs, field.Invalid(vp.Index(k), v, "must not be 0 for the In operator"))
				}
				if k > 0 && ec.Values[k-1] == v {
					errs = append(errs, field.Duplicate(vp.Index(k), v))
				} else if k > 0 && ec.Values[k-1] > v {
					errs = append(errs, field.Invalid(vp.Index(k), v, "must be ordered"))
				}
			}
		}
		cp := p.Child("onPodConditions")
		if len(rule.OnPodConditions) > maxOnPodConditionsPatterns {
			errs = append(errs, field.TooMany(cp, len(rule.OnPodConditions), maxOnPodConditionsPatterns))
		}
		for k, pat := range rule.OnPodConditions {
			pp := cp.Index(k)
			if !contains(conditionStatuses, pat.Status) {
				errs = append(errs, field.NotSupported(pp.Child("status"), pat.Status, conditionStatuses))
			}
			errs = append(errs, apivalidation.ValidateQualifiedName(string(pat.Type), pp.Child("type"))...)
		}
	}
	return errs
}

func validateSuccessPolicy(sp *SuccessPolicy, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	rp := fldPath.Child("rules")
	if len(sp.Rules) == 0 {
		errs = append(errs, field.Required(rp, "at least one rules must be specified when the successPolicy is specified"))
	}
	if len(sp.Rules) > maxSuccessPolicyRules {
		errs = append(errs, field.TooMany(rp, len(sp.Rules), maxSuccessPolicyRules))
	}
	for i, r := range sp.Rules {
		p := rp.Index(i)
		if r.SucceededIndexes == nil && r.SucceededCount == nil {
			errs = append(errs, field.Required(p, "at least one of succeededCount or succeededIndexes must be specified"))
		}
		if r.SucceededCount != nil && *r.SucceededCount < 0 {
			errs = append(errs, field.Invalid(p.Child("succeededCount"), *r.SucceededCount, "must be greater than or equal to 0"))
		}
	}
	return errs
}

// ValidateCronJobCreate checks a cron job on create.
func ValidateCronJobCreate(c *CronJob) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&c.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	errs = append(errs, validateCronJobSpec(&c.Spec, nil, field.NewPath("spec"))...)
	if len(c.Name) > cronJobNameMax {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), c.Name, "must be no more than 52 characters"))
	}
	return errs
}

// ValidateCronJobUpdate checks a cron job on update; the name length limit
// is not re-checked so old objects stay editable.
func ValidateCronJobUpdate(c, old *CronJob) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&c.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, validateCronJobSpec(&c.Spec, &old.Spec, field.NewPath("spec"))...)
}

func validateCronJobSpec(spec, old *CronJobSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	sp := fldPath.Child("schedule")
	if spec.Schedule == "" {
		errs = append(errs, field.Required(sp, ""))
	} else {
		if _, err := cron.ParseStandard(spec.Schedule); err != nil {
			errs = append(errs, field.Invalid(sp, spec.Schedule, err.Error()))
		}
		tzAllowed := old != nil && strings.Contains(old.Schedule, "TZ")
		switch hasTZ := strings.Contains(spec.Schedule, "TZ"); {
		case tzAllowed && hasTZ && spec.TimeZone != nil:
			errs = append(errs, field.Invalid(sp, spec.Schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
		case !tzAllowed && hasTZ:
			errs = append(errs, field.Invalid(sp, spec.Schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
		}
	}
	if spec.StartingDeadlineSeconds != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(*spec.StartingDeadlineSeconds, fldPath.Child("startingDeadlineSeconds"))...)
	}
	if old == nil || !equalPtr(old.TimeZone, spec.TimeZone) {
		errs = append(errs, validateTimeZone(spec.TimeZone, fldPath.Child("timeZone"))...)
	}
	cp := fldPath.Child("concurrencyPolicy")
	switch {
	case spec.ConcurrencyPolicy == "":
		errs = append(errs, field.Required(cp, ""))
	case !contains(concurrencyPolicies, spec.ConcurrencyPolicy):
		errs = append(errs, field.NotSupported(cp, spec.ConcurrencyPolicy, concurrencyPolicies))
	}
	errs = append(errs, ValidateJobTemplateSpec(&spec.JobTemplate, fldPath.Child("jobTemplate"))...)
	errs = append(errs, nonNegative32(spec.SuccessfulJobsHistoryLimit, fldPath.Child("successfulJobsHistoryLimit"))...)
	return append(errs, nonNegative32(spec.FailedJobsHistoryLimit, fldPath.Child("failedJobsHistoryLimit"))...)
}

func equalPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// validateTimeZone accepts IANA zone names the runtime can load.
func validateTimeZone(tz *string, fldPath *field.Path) field.ErrorList {
	if tz == nil {
		return nil
	}
	if *tz == "" {
		return field.ErrorList{field.Invalid(fldPath, *tz, "timeZone must be nil or non-empty string")}
	}
	for _, part := range strings.Split(*tz, "/") {
		if part == "." || part == ".." || strings.HasPrefix(part, "-") || !timeZoneComponent.MatchString(part) {
			return field.ErrorList{field.Invalid(fldPath, *tz, fmt.Sprintf("unknown time zone %s", *tz))}
		}
	}
	var errs field.ErrorList
	if strings.EqualFold(*tz, "Local") {
		errs = append(errs, field.Invalid(fldPath, *tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"))
	}
	if _, err := time.LoadLocation(*tz); err != nil {
		errs = append(errs, field.Invalid(fldPath, *tz, err.Error()))
	}
	return errs
}

// ValidateJobTemplateSpec checks a cron job's job template; its selector is
// always generated.
func ValidateJobTemplateSpec(t *JobTemplateSpec, fldPath *field.Path) field.ErrorList {
	errs := validateJobSpec(&t.Spec, fldPath.Child("spec"))
	if t.Spec.Selector != nil {
		errs = append(errs, field.Invalid(fldPath.Child("spec", "selector"), t.Spec.Selector, "`selector` will be auto-generated"))
	}
	if t.Spec.ManualSelector != nil && *t.Spec.ManualSelector {
		errs = append(errs, field.NotSupported(fldPath.Child("spec", "manualSelector"), *t.Spec.ManualSelector, []string{"nil", "false"}))
	}
	return errs
}

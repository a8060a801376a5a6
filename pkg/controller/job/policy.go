package job

import (
	"fmt"
	"slices"
	"strconv"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
)

// Condition messages Kubernetes uses for per-index and policy outcomes.
const (
	msgMaxFailedIndexes = "Job has exceeded the specified maximal number of failed indexes"
	msgFailedIndexes    = "Job has failed indexes"
)

// failureAction returns what the job's podFailurePolicy does with the
// failed pod p (Count when there is no policy or no rule matches) and, for
// FailJob, the message of the FailureTarget condition. Rules are tried in
// order; the first match wins.
func failureAction(job *batchv1.Job, p *corev1.Pod) (batchv1.PodFailurePolicyAction, string) {
	pol := job.Spec.PodFailurePolicy
	if pol == nil {
		return batchv1.PodFailurePolicyActionCount, ""
	}
	for i, r := range pol.Rules {
		var what string
		switch {
		case r.OnExitCodes != nil:
			cs := matchExitCodes(p, r.OnExitCodes)
			if cs == nil {
				continue
			}
			what = fmt.Sprintf("Container %s for pod %s/%s failed with exit code %d", cs.Name, p.Namespace, p.Name, cs.State.Terminated.ExitCode)
		case len(r.OnPodConditions) > 0:
			t, ok := matchConditions(p, r.OnPodConditions)
			if !ok {
				continue
			}
			what = fmt.Sprintf("Pod %s/%s has condition %s", p.Namespace, p.Name, t)
		default:
			continue
		}
		switch r.Action {
		case batchv1.PodFailurePolicyActionFailJob:
			return r.Action, fmt.Sprintf("%s matching %s rule at index %d", what, r.Action, i)
		case batchv1.PodFailurePolicyActionIgnore, batchv1.PodFailurePolicyActionCount, batchv1.PodFailurePolicyActionFailIndex:
			return r.Action, ""
		}
		// An action this version does not know: skip the rule.
	}
	return batchv1.PodFailurePolicyActionCount, ""
}

// matchExitCodes returns the first terminated container (app containers,
// then init containers) whose non-zero exit code satisfies req.
func matchExitCodes(p *corev1.Pod, req *batchv1.PodFailurePolicyOnExitCodesRequirement) *corev1.ContainerStatus {
	for _, list := range [][]corev1.ContainerStatus{p.Status.ContainerStatuses, p.Status.InitContainerStatuses} {
		for i := range list {
			cs := &list[i]
			t := cs.State.Terminated
			if t == nil || t.ExitCode == 0 || (req.ContainerName != nil && *req.ContainerName != cs.Name) {
				continue
			}
			in := slices.Contains(req.Values, t.ExitCode)
			if (req.Operator == batchv1.PodFailurePolicyOnExitCodesOpIn && in) ||
				(req.Operator == batchv1.PodFailurePolicyOnExitCodesOpNotIn && !in) {
				return cs
			}
		}
	}
	return nil
}

// matchConditions reports the first pod condition matching a pattern
// (status defaults to True, as the apiserver defaults it).
func matchConditions(p *corev1.Pod, patterns []batchv1.PodFailurePolicyOnPodConditionsPattern) (corev1.PodConditionType, bool) {
	for _, c := range p.Status.Conditions {
		for _, pat := range patterns {
			want := pat.Status
			if want == "" {
				want = corev1.ConditionTrue
			}
			if c.Type == pat.Type && c.Status == want {
				return c.Type, true
			}
		}
	}
	return "", false
}

// perIndexBackoff reports whether the job limits retries per index.
func perIndexBackoff(job *batchv1.Job) bool {
	return isIndexed(job) && job.Spec.BackoffLimitPerIndex != nil
}

// failureCount is the number of earlier failures of p's index, recorded on
// p when it was created.
func failureCount(p *corev1.Pod) int {
	n, err := strconv.Atoi(p.Annotations[batchv1.JobIndexFailureCountAnnotation])
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// nextFailureCount is the failure count of a new pod for index ix: that of
// the index's latest failed pod, plus one unless the policy ignored it.
func nextFailureCount(job *batchv1.Job, pods []*corev1.Pod, ix int) int {
	var last *corev1.Pod
	for _, p := range pods {
		if podIndex(p) != ix || p.Status.Phase != corev1.PodFailed {
			continue
		}
		if last == nil || last.CreationTimestamp.Before(&p.CreationTimestamp) {
			last = p
		}
	}
	if last == nil {
		return 0
	}
	n := failureCount(last)
	if a, _ := failureAction(job, last); a != batchv1.PodFailurePolicyActionIgnore {
		n++
	}
	return n
}

// failedIndexes reads status.failedIndexes.
func failedIndexes(job *batchv1.Job) indexSet {
	if job.Status.FailedIndexes == nil {
		return indexSet{}
	}
	return parseIndexes(*job.Status.FailedIndexes)
}

// successPolicyMet returns the message of the first successPolicy rule the
// succeeded indexes satisfy.
func successPolicyMet(job *batchv1.Job, completed indexSet) (string, bool) {
	if job.Spec.SuccessPolicy == nil || !isIndexed(job) || job.Spec.Completions == nil || len(completed) == 0 {
		return "", false
	}
	total := int(*job.Spec.Completions)
	for i, r := range job.Spec.SuccessPolicy.Rules {
		switch {
		case r.SucceededIndexes != nil:
			need := parseIndexes(*r.SucceededIndexes)
			done, wanted := 0, 0
			for ix := range need {
				if ix >= total {
					continue
				}
				wanted++
				if completed[ix] {
					done++
				}
			}
			if wanted == 0 {
				continue
			}
			if (r.SucceededCount == nil && done == wanted) || (r.SucceededCount != nil && done >= int(*r.SucceededCount)) {
				return fmt.Sprintf("Matched rules at index %d", i), true
			}
		case r.SucceededCount != nil && len(completed) >= int(*r.SucceededCount):
			return fmt.Sprintf("Matched rules at index %d", i), true
		}
	}
	return "", false
}

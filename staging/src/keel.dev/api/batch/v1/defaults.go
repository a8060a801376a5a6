package v1

import (
	"math"

	corev1 "keel.dev/api/core/v1"
)

func ptr[T any](v T) *T { return &v }

// SetObjectDefaults_Job applies the job defaults and the pod template
// defaults.
func SetObjectDefaults_Job(j *Job) {
	SetDefaults_Job(j)
	corev1.SetDefaults_PodTemplateSpec(&j.Spec.Template)
}

// SetDefaults_Job applies Kubernetes' job defaults: completions and
// parallelism 1 when both are unset (parallelism 1 when only it is unset),
// backoffLimit 6 (MaxInt32 with a per-index limit), the template's labels
// as the job's labels when it has none, NonIndexed completion, suspend
// false, True for failure-policy condition patterns, and the pod
// replacement policy (Failed with a failure policy, else
// TerminatingOrFailed).
func SetDefaults_Job(j *Job) {
	spec := &j.Spec
	if spec.Completions == nil && spec.Parallelism == nil {
		spec.Completions = ptr(int32(1))
		spec.Parallelism = ptr(int32(1))
	}
	if spec.Parallelism == nil {
		spec.Parallelism = ptr(int32(1))
	}
	if spec.BackoffLimit == nil {
		if spec.BackoffLimitPerIndex != nil {
			spec.BackoffLimit = ptr(int32(math.MaxInt32))
		} else {
			spec.BackoffLimit = ptr(int32(6))
		}
	}
	if spec.Template.Labels != nil && len(j.Labels) == 0 {
		j.Labels = spec.Template.Labels
	}
	if spec.CompletionMode == nil {
		spec.CompletionMode = ptr(NonIndexedCompletion)
	}
	if spec.Suspend == nil {
		spec.Suspend = ptr(false)
	}
	if spec.PodFailurePolicy != nil {
		for i := range spec.PodFailurePolicy.Rules {
			conds := spec.PodFailurePolicy.Rules[i].OnPodConditions
			for k := range conds {
				if conds[k].Status == "" {
					conds[k].Status = corev1.ConditionTrue
				}
			}
		}
	}
	if spec.PodReplacementPolicy == nil {
		if spec.PodFailurePolicy != nil {
			spec.PodReplacementPolicy = ptr(Failed)
		} else {
			spec.PodReplacementPolicy = ptr(TerminatingOrFailed)
		}
	}
}

// SetObjectDefaults_CronJob applies the cron job defaults and those of its
// job template.
func SetObjectDefaults_CronJob(c *CronJob) {
	SetDefaults_CronJob(c)
	corev1.SetDefaults_PodTemplateSpec(&c.Spec.JobTemplate.Spec.Template)
}

// SetDefaults_CronJob defaults concurrencyPolicy to Allow, suspend to false
// and the history limits to 3 successful and 1 failed.
func SetDefaults_CronJob(c *CronJob) {
	spec := &c.Spec
	if spec.ConcurrencyPolicy == "" {
		spec.ConcurrencyPolicy = AllowConcurrent
	}
	if spec.Suspend == nil {
		spec.Suspend = ptr(false)
	}
	if spec.SuccessfulJobsHistoryLimit == nil {
		spec.SuccessfulJobsHistoryLimit = ptr(int32(3))
	}
	if spec.FailedJobsHistoryLimit == nil {
		spec.FailedJobsHistoryLimit = ptr(int32(1))
	}
}

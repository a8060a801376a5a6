package v1_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation/field"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
)

func ptr[T any](v T) *T { return &v }

func newScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, batchv1.AddToScheme} {
		if err := add(s); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func summary(errs field.ErrorList) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Field+": "+string(e.Type))
	}
	return out
}

func podTemplate(restart corev1.RestartPolicy) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		RestartPolicy: restart,
		Containers:    []corev1.Container{{Name: "work", Image: "busybox"}},
	}}
}

// job returns a job as the API server sees it after preparing it for
// creation (UID assigned, selector generated).
func job(restart corev1.RestartPolicy) *batchv1.Job {
	j := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: "default", UID: "1234"},
		Spec:       batchv1.JobSpec{Template: podTemplate(restart)},
	}
	batchv1.PrepareJobForCreate(j)
	return j
}

func cronJob(schedule string) *batchv1.CronJob {
	return &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly", Namespace: "default"},
		Spec: batchv1.CronJobSpec{
			Schedule:    schedule,
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: podTemplate(corev1.RestartPolicyOnFailure)}},
		},
	}
}

func TestJobDefaults(t *testing.T) {
	s := newScheme(t)
	tests := []struct {
		name                  string
		mutate                func(*batchv1.Job)
		completions, parallel *int32
		backoff               int32
		replacement           batchv1.PodReplacementPolicy
	}{
		{"a plain job runs one pod to one completion with six retries", func(*batchv1.Job) {}, ptr(int32(1)), ptr(int32(1)), 6, batchv1.TerminatingOrFailed},
		{"a job with parallelism only keeps completions unset", func(j *batchv1.Job) { j.Spec.Parallelism = ptr(int32(3)) }, nil, ptr(int32(3)), 6, batchv1.TerminatingOrFailed},
		{"a job with completions only gets parallelism 1", func(j *batchv1.Job) { j.Spec.Completions = ptr(int32(5)) }, ptr(int32(5)), ptr(int32(1)), 6, batchv1.TerminatingOrFailed},
		{"a per-index backoff limit lifts the global one", func(j *batchv1.Job) { j.Spec.BackoffLimitPerIndex = ptr(int32(1)) }, ptr(int32(1)), ptr(int32(1)), math.MaxInt32, batchv1.TerminatingOrFailed},
		{"a pod failure policy makes replacement wait for failure", func(j *batchv1.Job) {
			j.Spec.PodFailurePolicy = &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{{
				Action: batchv1.PodFailurePolicyActionIgnore, OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{{Type: "DisruptionTarget"}},
			}}}
		}, ptr(int32(1)), ptr(int32(1)), 6, batchv1.Failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := job(corev1.RestartPolicyNever)
			tt.mutate(j)
			s.Default(j)
			spec := j.Spec
			if !reflect.DeepEqual(spec.Completions, tt.completions) || !reflect.DeepEqual(spec.Parallelism, tt.parallel) {
				t.Errorf("completions, parallelism = %v, %v", spec.Completions, spec.Parallelism)
			}
			if *spec.BackoffLimit != tt.backoff || *spec.PodReplacementPolicy != tt.replacement {
				t.Errorf("backoffLimit = %d, podReplacementPolicy = %s", *spec.BackoffLimit, *spec.PodReplacementPolicy)
			}
			if *spec.CompletionMode != batchv1.NonIndexedCompletion || *spec.Suspend {
				t.Errorf("completionMode = %s, suspend = %v", *spec.CompletionMode, *spec.Suspend)
			}
			if !reflect.DeepEqual(j.Labels, spec.Template.Labels) {
				t.Errorf("job labels %v are not the template's %v", j.Labels, spec.Template.Labels)
			}
			if spec.PodFailurePolicy != nil && spec.PodFailurePolicy.Rules[0].OnPodConditions[0].Status != corev1.ConditionTrue {
				t.Errorf("condition pattern status not defaulted to True")
			}
		})
	}
}

func TestCronJobDefaults(t *testing.T) {
	s := newScheme(t)
	c := cronJob("@hourly")
	s.Default(c)
	spec := c.Spec
	if spec.ConcurrencyPolicy != batchv1.AllowConcurrent || *spec.Suspend || *spec.SuccessfulJobsHistoryLimit != 3 || *spec.FailedJobsHistoryLimit != 1 {
		t.Fatalf("spec = %+v", spec)
	}
	if spec.JobTemplate.Spec.BackoffLimit != nil {
		t.Errorf("the job template got job defaults: %+v", spec.JobTemplate.Spec)
	}
	if spec.JobTemplate.Spec.Template.Spec.DNSPolicy != corev1.DNSClusterFirst {
		t.Errorf("the job template's pod spec was not defaulted")
	}
}

func TestValidation(t *testing.T) {
	s := newScheme(t)
	tests := []struct {
		name   string
		obj    runtime.Object
		old    runtime.Object
		want   []string
		detail string
	}{
		{"a prepared job is valid", job(corev1.RestartPolicyNever), nil, []string{}, ""},
		{"a job whose pods restart Always is refused", job(corev1.RestartPolicyAlways), nil,
			[]string{"spec.template.spec.restartPolicy: FieldValueRequired"}, `valid values: "OnFailure", "Never"`},
		{"negative parallelism and backoff are refused", func() runtime.Object {
			j := job(corev1.RestartPolicyOnFailure)
			j.Spec.Parallelism, j.Spec.BackoffLimit = ptr(int32(-1)), ptr(int32(-2))
			return j
		}(), nil, []string{"spec.parallelism: FieldValueInvalid", "spec.backoffLimit: FieldValueInvalid"}, "must be greater than or equal to 0"},
		{"a manual selector must still match the pods", func() runtime.Object {
			j := &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "manual", Namespace: "default"},
				Spec: batchv1.JobSpec{
					ManualSelector: ptr(true),
					Selector:       &metav1.LabelSelector{MatchLabels: map[string]string{"job": "manual"}},
					Template:       podTemplate(corev1.RestartPolicyNever),
				},
			}
			return j
		}(), nil, []string{"spec.template.metadata.labels: FieldValueInvalid"}, "`selector` does not match template `labels`"},
		{"a job without a selector needs one", &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{Name: "raw", Namespace: "default"},
			Spec:       batchv1.JobSpec{Template: podTemplate(corev1.RestartPolicyNever)},
		}, nil, []string{"spec.selector: FieldValueRequired", "spec.template.metadata.labels: FieldValueInvalid"}, ""},
		{"a per-index backoff limit needs indexed completion", func() runtime.Object {
			j := job(corev1.RestartPolicyNever)
			j.Spec.BackoffLimitPerIndex = ptr(int32(1))
			return j
		}(), nil, []string{"spec.backoffLimitPerIndex: FieldValueInvalid"}, "requires indexed completion mode"},
		{"the job template may not change", func() runtime.Object {
			j := job(corev1.RestartPolicyNever)
			j.ResourceVersion = "2"
			j.Spec.Template.Spec.Containers[0].Image = "busybox:2"
			return j
		}(), func() runtime.Object {
			j := job(corev1.RestartPolicyNever)
			j.ResourceVersion = "1"
			return j
		}(), []string{"spec.template: FieldValueInvalid"}, "field is immutable"},
		{"a standard cron schedule is valid", cronJob("*/5 * * * *"), nil, []string{}, ""},
		{"a cron schedule needs five fields", cronJob("* * *"), nil, []string{"spec.schedule: FieldValueInvalid"}, "expected exactly 5 fields, found 3"},
		{"an empty schedule is required", cronJob(""), nil, []string{"spec.schedule: FieldValueRequired"}, ""},
		{"a TZ prefix in the schedule is refused", cronJob("TZ=UTC 0 * * * *"), nil, []string{"spec.schedule: FieldValueInvalid"}, "use timeZone field instead"},
		{"an unknown time zone is refused", func() runtime.Object {
			c := cronJob("@daily")
			c.Spec.TimeZone = ptr("Mars/Olympus")
			return c
		}(), nil, []string{"spec.timeZone: FieldValueInvalid"}, "unknown time zone Mars/Olympus"},
		{"a known time zone is accepted", func() runtime.Object {
			c := cronJob("@daily")
			c.Spec.TimeZone = ptr("UTC")
			return c
		}(), nil, []string{}, ""},
		{"a job template may not bring a selector", func() runtime.Object {
			c := cronJob("@weekly")
			c.Spec.JobTemplate.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}}
			return c
		}(), nil, []string{"spec.jobTemplate.spec.selector: FieldValueInvalid"}, "`selector` will be auto-generated"},
		{"a cron job name longer than 52 characters is refused", func() runtime.Object {
			c := cronJob("@daily")
			c.Name = strings.Repeat("a", 53)
			return c
		}(), nil, []string{"metadata.name: FieldValueInvalid"}, "must be no more than 52 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Default(tt.obj)
			if tt.old != nil {
				s.Default(tt.old)
			}
			errs := s.Validate(tt.obj, tt.old)
			if got := summary(errs); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("errors = %v\nwant %v\n(%v)", got, tt.want, errs)
			}
			if tt.detail != "" && !strings.Contains(errs.ToAggregate().Error(), tt.detail) {
				t.Errorf("errors %v do not mention %q", errs, tt.detail)
			}
		})
	}
}

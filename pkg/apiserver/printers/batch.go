package printers

import (
	"fmt"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/duration"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
)

func batch(resource string) schema.GroupResource {
	return schema.GroupResource{Group: "batch", Resource: resource}
}

func addBatchHandlers(p *Printers) {
	add(p, batch("jobs"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Status", "Complete, Failed, Terminating, Suspended, FailureTarget or Running."),
		str("Completions", "Succeeded pods out of the completions asked for."),
		str("Duration", "How long the job ran or has been running."),
		ageColumn,
		containersColumn, imagesColumn, selectorColumn,
	}, printJob)
	add(p, batch("cronjobs"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Schedule", "The cron schedule."),
		str("Timezone", "The time zone of the schedule."),
		boolean("Suspend", "Whether new runs are suspended."),
		integer("Active", "Number of running jobs."),
		str("Last Schedule", "Time since a job was last scheduled."),
		ageColumn,
		containersColumn, imagesColumn, selectorColumn,
	}, func(p *Printers, cj *batchv1.CronJob) ([]any, error) {
		last := "<none>"
		if cj.Status.LastScheduleTime != nil {
			last = p.since(*cj.Status.LastScheduleTime)
		}
		tz := "<none>"
		if cj.Spec.TimeZone != nil {
			tz = *cj.Spec.TimeZone
		}
		tmpl := cj.Spec.JobTemplate.Spec
		names, images := containerCells(tmpl.Template.Spec.Containers)
		return []any{
			cj.Name, cj.Spec.Schedule, tz, boolPtr(cj.Spec.Suspend), int64(len(cj.Status.Active)), last,
			p.since(cj.CreationTimestamp), names, images, metav1.FormatLabelSelector(tmpl.Selector),
		}, nil
	})
}

// jobCondition reports whether the first condition of type t is True.
func jobCondition(j *batchv1.Job, t batchv1.JobConditionType) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func printJob(p *Printers, j *batchv1.Job) ([]any, error) {
	var completions string
	switch par := derefInt32(j.Spec.Parallelism); {
	case j.Spec.Completions != nil:
		completions = fmt.Sprintf("%d/%d", j.Status.Succeeded, *j.Spec.Completions)
	case par > 1:
		completions = fmt.Sprintf("%d/1 of %d", j.Status.Succeeded, par)
	default:
		completions = fmt.Sprintf("%d/1", j.Status.Succeeded)
	}
	var dur string
	switch {
	case j.Status.StartTime == nil:
	case j.Status.CompletionTime == nil:
		dur = duration.HumanDuration(p.now().Sub(j.Status.StartTime.Time))
	default:
		dur = duration.HumanDuration(j.Status.CompletionTime.Sub(j.Status.StartTime.Time))
	}
	var status string
	switch {
	case jobCondition(j, batchv1.JobComplete):
		status = "Complete"
	case jobCondition(j, batchv1.JobFailed):
		status = "Failed"
	case j.DeletionTimestamp != nil:
		status = "Terminating"
	case jobCondition(j, batchv1.JobSuspended):
		status = "Suspended"
	case jobCondition(j, batchv1.JobFailureTarget):
		status = "FailureTarget"
	default:
		status = "Running"
	}
	names, images := containerCells(j.Spec.Template.Spec.Containers)
	return []any{
		j.Name, status, completions, dur, p.since(j.CreationTimestamp),
		names, images, metav1.FormatLabelSelector(j.Spec.Selector),
	}, nil
}

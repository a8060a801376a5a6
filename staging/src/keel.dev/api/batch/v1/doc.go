// Package v1 holds the batch/v1 API: Job, which runs pods to completion,
// and CronJob, which creates Jobs on a schedule.
package v1

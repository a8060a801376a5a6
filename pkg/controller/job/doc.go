// Package job runs batch/v1 Jobs: it creates pods up to parallelism until
// completions succeed (NonIndexed, or one success per index for Indexed
// jobs), counts pod failures against backoffLimit (failed pods, plus
// container restarts for restartPolicy OnFailure), enforces
// activeDeadlineSeconds, and suspends and resumes. podFailurePolicy rules
// (FailJob, Ignore, Count, FailIndex on exit codes or pod conditions),
// successPolicy rules and backoffLimitPerIndex/maxFailedIndexes are
// honoured. It adopts orphan pods its selector matches and releases pods
// that stop matching. Deleting finished jobs after ttlSecondsAfterFinished
// is the ttlafterfinished controller's job. Terminated pods are counted exactly once
// through the batch.kubernetes.io/job-tracking finalizer and
// status.uncountedTerminatedPods. Finishing follows Kubernetes 1.32: a
// SuccessCriteriaMet or FailureTarget condition first, then Complete or
// Failed once no pod is left running.
package job

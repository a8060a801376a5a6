// Package cronjob creates a Job from each CronJob at its scheduled times:
// standard cron syntax and @descriptors, spec.timeZone, concurrencyPolicy
// Allow/Forbid/Replace, startingDeadlineSeconds for missed runs (more than
// 100 missed runs raise TooManyMissedTimes), suspend, and the successful and
// failed history limits. Jobs are named <cronjob>-<scheduled unix minutes>
// and carry the batch.kubernetes.io/cronjob-scheduled-timestamp annotation.
// Time comes from an injected clock.
package cronjob

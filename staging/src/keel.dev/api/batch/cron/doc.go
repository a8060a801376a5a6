// Package cron parses the schedules of CronJobs: standard five-field cron
// lines (minute hour day-of-month month day-of-week, with names, ranges,
// steps and lists), the @yearly/@monthly/... descriptors and @every
// <duration>, and computes their next activation. Error texts follow the
// cron library Kubernetes validates schedules with, since they reach users
// verbatim in validation errors.
package cron

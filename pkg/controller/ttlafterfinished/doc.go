// Package ttlafterfinished deletes finished Jobs once their
// spec.ttlSecondsAfterFinished has passed since they completed or failed.
// It runs as its own controller ("ttl-after-finished"), as in Kubernetes:
// the deadline is counted from the Complete or Failed condition's
// lastTransitionTime, the Job is re-read from the apiserver before it is
// deleted (the TTL may have been changed), and deletion is foreground so
// the Job disappears only after its pods.
package ttlafterfinished

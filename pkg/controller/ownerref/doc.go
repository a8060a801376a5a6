// Package ownerref builds the patches controllers use to adopt objects
// (add a controller ownerReference) and release them (remove it), and
// decides which objects a controller claims by selector and reference.
// Claimer applies those rules to a list of objects of any kind, as the
// replicaset, deployment, job, daemonset and statefulset controllers
// share them.
package ownerref

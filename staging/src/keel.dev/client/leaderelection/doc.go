// Package leaderelection elects one leader among the replicas of a
// component through a coordination.k8s.io/v1 Lease: a candidate takes the
// lease when it is free or expired, the leader renews it every retry period
// and steps down when it cannot renew within the renew deadline, and on
// cancellation the leader releases the lease so a standby takes over at once.
//
// Expiry is judged from the local time at which a candidate last saw the
// lease record change, so clock skew between replicas does not matter.
package leaderelection

// Package replicaset keeps the number of running pods of every ReplicaSet
// (and, through an adapter, every ReplicationController) equal to its
// spec.replicas.
//
//	RS/pod informers ──► queue of RS keys ──► sync: claim pods (adopt/release)
//	                                            ├─► create or delete pods (expectations, slow start)
//	                                            └─► UpdateStatus
//
// Expectations record, per owner key, the pod creations and deletions the
// controller has asked for and not yet seen in the pod informer; while any
// are outstanding (and younger than five minutes) the owner is not scaled
// again, so lagging watches never cause over-creation. They are the shared
// internal/expectations counts, with deletions tracked by pod name so that a
// pod seen going away twice counts once.
package replicaset

// Package persistentvolume is the persistent volume binder: it binds
// Pending PersistentVolumeClaims to Available PersistentVolumes, hands claims
// that no volume satisfies to the provisioner named by their StorageClass,
// and releases volumes whose claim is gone according to their reclaim policy.
//
// The binder follows the protocol Kubernetes' persistentvolume-controller
// speaks, so external provisioners and the scheduler cooperate with it
// through the same annotations:
//
//	claim created ──▶ default class assigned (when the claim has none)
//	   │  WaitForFirstConsumer class: wait for volume.kubernetes.io/selected-node
//	   ▼
//	matching Available volume? ──yes──▶ bind (volume claimRef + Bound, claim volumeName + Bound)
//	   │ no
//	   ▼
//	annotate volume.kubernetes.io/storage-provisioner ──▶ provisioner creates a
//	volume pre-bound to the claim ──▶ bind
//
//	claim deleted ──▶ volume Released ──▶ Retain: kept; Delete: the provisioner
//	that made it (pv.kubernetes.io/provisioned-by) deletes storage and volume.
//
// Glossary: a volume is "pre-bound" when spec.claimRef names a claim before
// the binder saw it (by an administrator or a provisioner); a claim is
// pre-bound when spec.volumeName is set by its author.
package persistentvolume

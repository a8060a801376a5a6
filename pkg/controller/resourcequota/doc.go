// Package resourcequota keeps ResourceQuota status current: status.hard
// mirrors spec.hard and status.used reports every name of hard it can
// measure: pod compute (including extended and ephemeral-storage
// requests), object counts of the cached core kinds, generic
// "count/<resource>.<group>" counts of any namespaced resource the client
// knows (one-item lists reading remainingItemCount, refreshed every 30s),
// claims and storage overall and per StorageClass
// ("<class>.storageclass.storage.k8s.io/requests.storage",
// ".../persistentvolumeclaims").
// A quota with scopes (Terminating, NotTerminating, BestEffort,
// NotBestEffort, CrossNamespacePodAffinity) or a scopeSelector (those, and
// PriorityClass with In/NotIn/Exists/DoesNotExist) counts only the pods
// matching all of them, and no other kind; the VolumeAttributesClass scope
// counts only the claims of the selected classes. Admission enforcement
// belongs to the apiserver.
package resourcequota

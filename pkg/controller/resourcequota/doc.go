// Package resourcequota keeps ResourceQuota status current: status.hard
// mirrors spec.hard and status.used counts what the namespace consumes.
// A quota with scopes (Terminating, NotTerminating, BestEffort,
// NotBestEffort, CrossNamespacePodAffinity) or a scopeSelector (those, and
// PriorityClass with In/NotIn/Exists/DoesNotExist) counts only the pods
// matching all of them, and no other kind; the VolumeAttributesClass scope
// counts only the claims of the selected classes. Admission enforcement
// belongs to the apiserver.
package resourcequota

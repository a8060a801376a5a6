// Package statefulset runs StatefulSets: pods with stable names
// <set>-<ordinal> (from spec.ordinals.start), hostname and subdomain for
// stable DNS, and PersistentVolumeClaims <claim>-<set>-<ordinal> from the
// volumeClaimTemplates created before each pod. OrderedReady creates pod i
// only when pods below it are Running and Ready and deletes from the highest
// ordinal down; Parallel does both at once. Template changes are recorded as
// ControllerRevisions and rolled out from the highest ordinal down to the
// partition, one pod at a time (RollingUpdate), or on deletion (OnDelete).
// Orphan pods and ControllerRevisions the selector matches are adopted,
// owned ones that stop matching are released (ownerref.Claimer).
package statefulset

// Package storageclass is the DefaultStorageClass admission plugin: a
// claim created without spec.storageClassName gets the default
// StorageClass (annotation storageclass.kubernetes.io/is-default-class
// "true"; the newest one when several claim it).
package storageclass

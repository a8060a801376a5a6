// Package resourcequota is the ResourceQuota admission plugin: a create
// (or an update that grows usage: a Service changing type, a claim
// growing) is measured against every quota of its namespace whose scopes
// select it, rejected with 403 when it would exceed one (or, for pods,
// when a tracked compute resource is not stated by every container), and
// otherwise charged into the quotas' status.used with an
// optimistic-concurrency update so concurrent requests cannot overrun a
// quota; concurrent charges of one quota are written together. The
// resource quota controller recomputes status.used from the real objects
// later. Usage and scope rules come from pkg/controller/resourcequota;
// object counts of any resource (count/<resource>.<group>) and the
// per-StorageClass claim names (<class>.storageclass.storage.k8s.io/...)
// are measured here. A name the quota status does not report yet (a new
// quota, or one the controller does not measure) is measured from the
// stored objects rather than refused.
package resourcequota

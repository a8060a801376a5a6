// Package etcd3 implements storage.Interface over an etcd v3 cluster through
// go.etcd.io/etcd/client/v3: optimistic concurrency on mod revisions,
// paginated range reads, watches, TTL leases and periodic compaction. It also
// builds the etcd client from endpoints and TLS files.
package etcd3

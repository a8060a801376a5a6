// Package allocator hands out Service cluster IPs and node ports.
//
// Cluster IPs are persisted as networking.k8s.io/v1 IPAddress objects, one
// per allocated address, created through the storage interface: creation is
// atomic in etcd, so concurrent allocations never share an address and the
// state survives restarts. Node ports are kept in memory and rebuilt at
// start from the stored Services (their only source of truth).
package allocator

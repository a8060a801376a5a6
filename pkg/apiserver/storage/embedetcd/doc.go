// Package embedetcd runs a single-member etcd server inside the apiserver
// process, the default when no external etcd is configured. Start returns a
// lifecycle handle; the server listens on loopback only.
package embedetcd

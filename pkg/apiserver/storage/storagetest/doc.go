// Package storagetest holds what the storage packages' tests share: a small
// Widget kind with a JSON codec, and a process-wide embedded etcd started on
// first use. It is for tests and benchmarks only.
package storagetest

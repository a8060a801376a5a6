// Package admissiontest runs the registry with an admission chain over the
// shared test etcd, for the plugins' tests.
package admissiontest

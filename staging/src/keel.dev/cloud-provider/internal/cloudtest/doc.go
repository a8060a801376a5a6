// Package cloudtest is a small in-memory cloud provider for the controller
// tests of this module. (Keel's full fake provider lives in the root module,
// which this module must not import.)
package cloudtest

// Package proxy tests the proxy binary's app against an in-process
// apiserver, with rules applied for real inside a network namespace the
// test creates and deletes (root only).
package proxy

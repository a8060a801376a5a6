// Package jsoncloud is a sample out-of-tree cloud provider. Its "cloud" is a
// JSON file listing machines and load balancers, which stands in for the
// API a real cloud would offer. It registers itself as "sample-json".
package jsoncloud

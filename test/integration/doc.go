// Package integration holds the apiserver's integration tests, one package
// per area: discovery (health, /version, discovery, OpenAPI, metrics,
// authentication), rest (CRUD in JSON and protobuf, conflicts, validation,
// pagination, patches and server-side apply, Tables, subresources, ClusterIP
// allocation, finalizers, bad input, bootstrap objects), watch (watch from a
// resourceVersion, 410 Gone, streaming lists) and kubectl (the real kubectl
// on PATH). Each package's TestMain starts one embedded etcd
// (framework.EtcdMain); every test runs its own in-process apiserver over
// it (framework.StartTestServer) under its own key prefix, so tests do not
// see each other's objects.
package integration

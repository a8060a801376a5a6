// Package client is the root of Keel's client library. The library speaks
// the Kubernetes wire protocol and is split by concern:
//
//   - kubeconfig: load, merge and write kubeconfig files; in-cluster config.
//   - rest: the REST client (rate limiting, retries, typed errors, watch).
//   - typed: one generic client for every kind and the Clientset.
//   - dynamic: a client over unstructured objects.
//   - informers: reflector, indexed store, listers, shared informers.
//   - workqueue: a deduplicating, rate-limited work queue.
//   - leaderelection: leader election on coordination.k8s.io Leases.
//   - record: an event recorder with Kubernetes-style aggregation.
//   - fake: an in-memory clientset for controller unit tests.
//   - clock and util/flowcontrol: an injectable clock and a token bucket.
package client

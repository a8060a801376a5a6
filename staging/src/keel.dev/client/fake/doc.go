// Package fake is an in-memory clientset for controller unit tests. It is
// the real typed.Clientset wired to an HTTP round tripper that serves the
// Kubernetes REST protocol from an object tracker, so every client feature
// (typed clients, watches, informers, leader election, the event recorder)
// works unchanged. Each request is recorded as an Action, and reactors can
// intercept requests to inject errors.
package fake

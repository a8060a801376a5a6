// Package watch defines the event stream every watch in Keel produces: the
// storage layer emits it, the apiserver serializes it, and clients consume it.
// It holds the Event and Interface types plus two small helpers, a
// hand-driven FakeWatcher for tests and a ProxyWatcher that adapts a channel.
package watch

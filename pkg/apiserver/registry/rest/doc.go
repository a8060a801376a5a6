// Package rest is the contract between the apiserver's HTTP handlers and the
// registries behind them: one small interface per verb (Getter, Lister,
// Watcher, Creater, Updater, GracefulDeleter, CollectionDeleter) plus
// TableConvertor for `kubectl get` output. A resource or subresource serves
// exactly the verbs whose interfaces its storage implements; the handler
// layer discovers them by type assertion.
//
// The namespace of a request travels in the context (WithNamespace), so the
// same storage serves namespaced and all-namespace requests.
package rest

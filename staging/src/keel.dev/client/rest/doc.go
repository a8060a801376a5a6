// Package rest is the REST client of the Kubernetes API: a request builder
// with client-side rate limiting, retries on 429 (honouring Retry-After) and
// on refused connections for reads, responses decoded with the negotiated
// codec, non-2xx responses turned into *apierrors.StatusError, warning
// headers surfaced to a handler, and watch streams as watch.Interface.
package rest

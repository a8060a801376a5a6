// Package app assembles the apiserver from its parts and runs it.
//
// NewCommand builds the cobra command (flags from package options); its
// Options become a Config, and Start turns a Config into a running server:
//
//	etcd (embedded in --data-dir, or --etcd-servers) → compactor
//	  → storage factory → registry (one storage per resource)
//	  → endpoints (REST handlers) + printers (Tables)
//	  → server.BuildHandlerChain (authn, authz, limits, discovery, OpenAPI,
//	    health, metrics) → server.Start (HTTPS)
//	  → bootstrap (default namespaces, the kubernetes Service)
//
// Service account tokens (serviceaccount.go): the signing key from
// --service-account-signing-key-file or generated into --cert-dir (sa.key,
// shared by apiservers using the same directory) backs serviceaccounts/
// token, a bearer token authenticator added to the union, and the issuer
// discovery documents (/.well-known/openid-configuration, /openid/v1/jwks).
//
// Start returns a Running handle (Ready, Err, Close, Addr) so tests and an
// all-in-one binary can embed the apiserver in-process; Run is Start plus
// waiting for the context to end.
package app

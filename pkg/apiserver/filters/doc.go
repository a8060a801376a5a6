// Package filters holds the HTTP middleware of the apiserver's handler
// chain: panic recovery, request info parsing, authentication,
// authorization, the in-flight limit, request metrics and the request body
// limit. Every refusal is written as a Kubernetes Status object.
//
// The chain, outermost first, as server.BuildHandlerChain assembles it:
//
//	WithPanicRecovery → WithRequestInfo → WithAuthentication →
//	WithImpersonation → WithMetrics → WithMaxInFlight → WithAuthorization →
//	handler
package filters

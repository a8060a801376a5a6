// Package serviceaccount issues and verifies service account tokens: the
// signing and verification keys (--service-account-signing-key-file,
// --service-account-key-file, or a key generated into the certificate
// directory), compact JWS tokens (RS256 or ES256) with the claims
// Kubernetes puts in them, the serviceaccounts/token subresource
// (TokenRequest), the bearer token authenticator that accepts them, and the
// OpenID discovery document and JWKS that let others verify them.
//
// Tokens may be bound to a Pod, Secret or Node: they stop authenticating
// once that object is gone or was replaced by one with another UID, as do
// all tokens of a service account that was deleted or recreated.
package serviceaccount

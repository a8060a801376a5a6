// Package server assembles the apiserver's HTTP side: BuildHandlerChain
// wraps the REST handler in the filters and mounts the non-resource
// endpoints (discovery, /version, health, /metrics, OpenAPI); Start and
// Serve run it over HTTPS with HTTP/2; EnsureCertificates creates the CA
// and serving certificate in --cert-dir; WriteAdminKubeconfig writes a
// kubeconfig the real kubectl can use.
//
// Request flow:
//
//	TLS (client cert requested) → panic recovery → request info →
//	authentication → metrics → in-flight limit → authorization →
//	  resource request?  yes → apiHandler
//	                     no  → /api, /apis…, /version, /healthz, /livez,
//	                           /readyz, /metrics, /openapi/…, else 404 Status
package server

package server

import (
	"net/http"
	"strings"

	"keel.dev/keel/internal/profiling"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/discovery"
	"keel.dev/keel/pkg/apiserver/filters"
	"keel.dev/keel/pkg/apiserver/healthz"
	"keel.dev/keel/pkg/apiserver/metrics"
	"keel.dev/keel/pkg/apiserver/request"
)

// ChainConfig holds what BuildHandlerChain mounts and how it filters.
type ChainConfig struct {
	// Authenticator finds the user of each request (required).
	Authenticator authn.Authenticator
	// Authorizer decides each request and each impersonation (verb
	// "impersonate"); nil allows everything.
	Authorizer authz.Authorizer
	// PublicPaths are served to requests without credentials as the
	// anonymous user even when anonymous authentication is off (e.g.
	// "/healthz", "/livez", "/readyz" for probes). Empty by default.
	PublicPaths []string
	// Discovery serves /api, /api/<v>, /apis, /apis/<g>, /apis/<g>/<v>.
	Discovery *discovery.Handler
	// Version is the /version document.
	Version discovery.Version
	// OpenAPI serves /openapi/v2 and /openapi/v3…; nil answers 404.
	OpenAPI http.Handler
	// HealthChecks, LivezChecks and ReadyzChecks run on /healthz, /livez and
	// /readyz; nil means the ping check alone.
	HealthChecks, LivezChecks, ReadyzChecks []healthz.Checker
	// MaxRequestsInFlight and MaxMutatingRequestsInFlight cap concurrent
	// non-long-running requests (0 = unlimited).
	MaxRequestsInFlight, MaxMutatingRequestsInFlight int
	// NonResource, when set, gets the non-resource requests no built-in
	// endpoint serves, instead of the 404 Status.
	NonResource http.Handler
	// Profiling serves Go's runtime profiles under /debug/pprof/.
	Profiling bool
}

// BuildHandlerChain returns the apiserver's root handler: resource requests
// (request.Info.IsResourceRequest) go to apiHandler, the rest to the
// built-in endpoints, all behind, from the outside in, panic recovery,
// request info, authentication, impersonation (Impersonate-* headers,
// checked against Authorizer), metrics, the in-flight limit and
// authorization.
func BuildHandlerChain(apiHandler http.Handler, cfg ChainConfig) http.Handler {
	mux := http.NewServeMux()
	if cfg.Discovery != nil {
		mux.Handle("/api", cfg.Discovery)
		mux.Handle("/api/", cfg.Discovery)
		mux.Handle("/apis", cfg.Discovery)
		mux.Handle("/apis/", cfg.Discovery)
	}
	mux.Handle("/version", discovery.VersionHandler(cfg.Version))
	mux.Handle("/version/", discovery.VersionHandler(cfg.Version))
	for _, h := range []struct {
		name   string
		checks []healthz.Checker
	}{{"healthz", cfg.HealthChecks}, {"livez", cfg.LivezChecks}, {"readyz", cfg.ReadyzChecks}} {
		checks := h.checks
		if checks == nil {
			checks = []healthz.Checker{healthz.Ping}
		}
		hh := healthz.Handler(h.name, checks...)
		mux.Handle("/"+h.name, hh)
		mux.Handle("/"+h.name+"/", hh)
	}
	mux.Handle("/metrics", metrics.Handler())
	if cfg.OpenAPI != nil {
		mux.Handle("/openapi/", cfg.OpenAPI)
	}
	if cfg.Profiling {
		profiling.Install(mux)
	}
	fallback := cfg.NonResource
	if fallback == nil {
		fallback = http.HandlerFunc(filters.NotFound)
	}
	mux.Handle("/", fallback)

	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := request.InfoFrom(r.Context()); ok && info.IsResourceRequest {
			apiHandler.ServeHTTP(w, r)
			return
		}
		if strings.Contains(r.URL.Path, "//") {
			// ServeMux would redirect to the cleaned path; Kubernetes does not.
			fallback.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
	z := cfg.Authorizer
	if z == nil {
		z = authz.AlwaysAllow()
	}
	h = filters.WithAuthorization(h, z)
	h = filters.WithMaxInFlight(h, cfg.MaxRequestsInFlight, cfg.MaxMutatingRequestsInFlight)
	h = filters.WithMetrics(h)
	h = filters.WithImpersonation(h, z)
	h = filters.WithAuthentication(h, cfg.Authenticator, cfg.PublicPaths)
	h = filters.WithRequestInfo(h)
	h = filters.WithPanicRecovery(h)
	return h
}

package filters

import (
	"context"
	"net/http"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/metrics"
	"keel.dev/keel/pkg/apiserver/request"
)

// longRunningSubresources stream or upgrade and may stay open indefinitely.
var longRunningSubresources = map[string]bool{
	"attach": true, "exec": true, "portforward": true, "proxy": true, "log": true,
}

// IsLongRunning reports whether a request may stay open indefinitely:
// watches and the exec, attach, portforward, proxy and log subresources (as
// in Kubernetes, every log request counts, followed or not). Long-running
// requests are exempt from the in-flight limit and from latency metrics.
func IsLongRunning(info *request.Info) bool {
	if info == nil || !info.IsResourceRequest {
		return false
	}
	return info.Verb == "watch" || longRunningSubresources[info.Subresource]
}

// IsMutating reports whether a request counts against the mutating
// in-flight limit: any verb other than get, list and watch (for
// non-resource paths, any method other than GET and HEAD).
func IsMutating(info *request.Info) bool {
	switch info.Verb {
	case "get", "list", "watch", "head":
		return false
	}
	return true
}

// tooManyRequestsMessage is what a client over the limit reads.
const tooManyRequestsMessage = "Too many requests, please try again later."

// WithMaxInFlight caps the number of requests served at once: at most
// readOnly non-mutating and mutating mutating requests (0 means no limit);
// more get 429 TooManyRequests with Retry-After: 1. Long-running requests
// and members of system:masters are not limited, as in Kubernetes.
// Long-running requests also end when the server starts shutting down.
func WithMaxInFlight(h http.Handler, readOnly, mutating int) http.Handler {
	var roSem, mutSem chan struct{}
	if readOnly > 0 {
		roSem = make(chan struct{}, readOnly)
	}
	if mutating > 0 {
		mutSem = make(chan struct{}, mutating)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		info, _ := request.InfoFrom(ctx)
		if info == nil {
			info = &request.Info{Verb: "get"}
		}
		if IsLongRunning(info) {
			if stop := stoppingFrom(ctx); stop != nil {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
				go func() {
					select {
					case <-stop:
						cancel()
					case <-ctx.Done():
					}
				}()
				r = r.WithContext(ctx)
			}
			h.ServeHTTP(w, r)
			return
		}
		if u, ok := authn.UserFrom(ctx); ok && u.InGroup(authn.SystemMasters) {
			h.ServeHTTP(w, r)
			return
		}
		sem, kind := roSem, metrics.ReadOnlyKind
		if IsMutating(info) {
			sem, kind = mutSem, metrics.MutatingKind
		}
		if sem != nil {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			default:
				WriteStatus(w, apierrors.NewTooManyRequests(tooManyRequestsMessage, 1))
				return
			}
		}
		metrics.AddInflight(kind, 1)
		defer metrics.AddInflight(kind, -1)
		h.ServeHTTP(w, r)
	})
}

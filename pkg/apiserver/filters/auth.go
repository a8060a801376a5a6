package filters

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/request"
)

// WithAuthentication authenticates each request with a and stores the user
// in the context (authn.UserFrom). A request without a user gets 401
// Unauthorized. Requests for a path in publicPaths (exact, or below it with
// a "/") that find no user go on as the anonymous user instead, e.g. for
// health probes.
func WithAuthentication(h http.Handler, a authn.Authenticator, publicPaths []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, ok, err := a.AuthenticateRequest(r)
		if err != nil || !ok {
			if err == nil && isPublic(r.URL.Path, publicPaths) {
				user, ok = authn.AnonymousUser(), true
			} else {
				if err != nil {
					slog.DebugContext(r.Context(), "authentication failed", "path", r.URL.Path, "err", err)
				}
				WriteStatus(w, apierrors.NewUnauthorized("Unauthorized"))
				return
			}
		}
		h.ServeHTTP(w, r.WithContext(authn.WithUser(r.Context(), user)))
	})
}

func isPublic(path string, public []string) bool {
	for _, p := range public {
		if path == p || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}

// WithAuthorization asks z whether the request's user may perform it and
// answers 403 Forbidden, worded as Kubernetes does, unless the decision is
// Allow. It needs WithRequestInfo and WithAuthentication before it.
func WithAuthorization(h http.Handler, z authz.Authorizer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		info, ok := request.InfoFrom(ctx)
		if !ok {
			WriteStatus(w, apierrors.NewInternalError(errors.New("no request info in the context")))
			return
		}
		user, _ := authn.UserFrom(ctx)
		attrs := authz.AttributesFor(user, info)
		d, reason, err := z.Authorize(ctx, attrs)
		if d == authz.DecisionAllow && err == nil {
			h.ServeHTTP(w, r)
			return
		}
		if err != nil {
			slog.ErrorContext(ctx, "authorization failed", "path", r.URL.Path, "err", err)
			if reason == "" {
				reason = err.Error()
			}
		}
		WriteStatus(w, Forbidden(attrs, reason))
	})
}

// Forbidden builds the 403 Status error of a denied request.
func Forbidden(a authz.Attributes, reason string) error {
	msg := authz.ForbiddenMessage(a)
	if reason != "" {
		msg += ": " + reason
	}
	if !a.ResourceRequest {
		return &apierrors.StatusError{ErrStatus: metav1.Status{
			Status:  metav1.StatusFailure,
			Message: "forbidden: " + msg,
			Reason:  metav1.StatusReasonForbidden,
			Details: &metav1.StatusDetails{},
			Code:    http.StatusForbidden,
		}}
	}
	return apierrors.NewForbidden(schema.GroupResource{Group: a.APIGroup, Resource: a.Resource}, a.Name, errors.New(msg))
}

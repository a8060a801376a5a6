package filters

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	authenticationv1 "keel.dev/api/authentication/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/serviceaccount"
)

// VerbImpersonate is the verb an impersonating user must be allowed on
// each user, service account, group, UID and extra value it asks for.
const VerbImpersonate = "impersonate"

// WithImpersonation lets a request act as another user. When it carries
// Impersonate-User (optionally with Impersonate-Group, repeatable,
// Impersonate-Uid and Impersonate-Extra-<percent-encoded key>), the
// authenticated user must be allowed by z to impersonate each of them;
// then the request goes on as the impersonated user, and the headers are
// removed. It belongs right after WithAuthentication.
//
// Refusals are Kubernetes' own: 400 BadRequest for groups, a UID or
// extras without a user, and a 403 Forbidden naming the first thing the
// user may not impersonate.
//
// The impersonated user gets system:authenticated unless the groups asked
// for name it or system:unauthenticated; system:anonymous gets
// system:unauthenticated instead. A service account user
// (system:serviceaccount:<ns>:<name>) asked for without groups gets
// system:serviceaccounts and system:serviceaccounts:<ns>.
func WithImpersonation(h http.Handler, z authz.Authorizer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		targets, err := impersonationTargets(r.Header)
		if err != nil {
			WriteStatus(w, err)
			return
		}
		if len(targets) == 0 {
			h.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		requestor, ok := authn.UserFrom(ctx)
		if !ok {
			WriteStatus(w, apierrors.NewInternalError(errors.New("no user found for request")))
			return
		}
		for _, tg := range targets {
			attrs := tg.attributes(requestor)
			d, reason, err := z.Authorize(ctx, attrs)
			if d == authz.DecisionAllow && err == nil {
				continue
			}
			if err != nil && reason == "" {
				reason = err.Error()
			}
			WriteStatus(w, Forbidden(attrs, reason))
			return
		}
		stripImpersonationHeaders(r.Header)
		h.ServeHTTP(w, r.WithContext(authn.WithUser(ctx, impersonatedUser(targets))))
	})
}

// targetKind is what one impersonation header asks for.
type targetKind int

const (
	targetUser targetKind = iota
	targetServiceAccount
	targetGroup
	targetExtra
	targetUID
)

// target is one thing the requestor asks to impersonate; each is
// authorized separately.
type target struct {
	kind targetKind
	// namespace is the service account's namespace.
	namespace string
	// name is the user, service account or group name, the UID, or one
	// value of an extra.
	name string
	// extraKey is the (decoded, lower-case) key of an extra.
	extraKey string
}

// attributes is the access check of impersonating t.
func (t target) attributes(requestor *authn.UserInfo) authz.Attributes {
	a := authz.Attributes{
		User: requestor, Verb: VerbImpersonate, ResourceRequest: true,
		APIVersion: "v1", Name: t.name,
	}
	switch t.kind {
	case targetUser:
		a.Resource = "users"
	case targetServiceAccount:
		a.Resource, a.Namespace = "serviceaccounts", t.namespace
	case targetGroup:
		a.Resource = "groups"
	case targetExtra:
		a.APIGroup, a.Resource, a.Subresource = authenticationv1.GroupName, "userextras", t.extraKey
	case targetUID:
		a.APIGroup, a.Resource = authenticationv1.GroupName, "uids"
	}
	return a
}

// String renders t the way Kubernetes' error messages print the object
// reference it builds for each header: {Kind Namespace Name UID
// APIVersion ResourceVersion FieldPath}.
func (t target) String() string {
	var kind, apiVersion string
	switch t.kind {
	case targetUser:
		kind = "User"
	case targetServiceAccount:
		kind = "ServiceAccount"
	case targetGroup:
		kind = "Group"
	case targetExtra:
		kind, apiVersion = "UserExtra", authenticationv1.SchemeGroupVersion.String()
	case targetUID:
		kind, apiVersion = "UID", authenticationv1.SchemeGroupVersion.String()
	}
	return "{" + strings.Join([]string{kind, t.namespace, t.name, "", apiVersion, "", t.extraKey}, " ") + "}"
}

// impersonationTargets reads the impersonation headers: the user (or
// service account), each group, each extra value (keys in sorted order)
// and the UID. Anything but a user without one is a 400.
func impersonationTargets(hdr http.Header) ([]target, error) {
	var out []target
	userName := hdr.Get(authenticationv1.ImpersonateUserHeader)
	if userName != "" {
		if ns, name, ok := splitServiceAccountUser(userName); ok {
			out = append(out, target{kind: targetServiceAccount, namespace: ns, name: name})
		} else {
			out = append(out, target{kind: targetUser, name: userName})
		}
	}
	for _, g := range hdr.Values(authenticationv1.ImpersonateGroupHeader) {
		out = append(out, target{kind: targetGroup, name: g})
	}
	var extraHeaders []string
	for k := range hdr {
		if strings.HasPrefix(k, authenticationv1.ImpersonateUserExtraHeaderPrefix) {
			extraHeaders = append(extraHeaders, k)
		}
	}
	slices.Sort(extraHeaders)
	for _, k := range extraHeaders {
		key := extraKey(k[len(authenticationv1.ImpersonateUserExtraHeaderPrefix):])
		for _, v := range hdr[k] {
			out = append(out, target{kind: targetExtra, name: v, extraKey: key})
		}
	}
	if uid := hdr.Get(authenticationv1.ImpersonateUIDHeader); uid != "" {
		out = append(out, target{kind: targetUID, name: uid})
	}
	if userName == "" && len(out) > 0 {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("requested %v without impersonating a user", out))
	}
	return out, nil
}

// extraKey decodes the key of an Impersonate-Extra- header: lower case,
// percent-decoded (kept as is when the encoding is malformed).
func extraKey(raw string) string {
	k := strings.ToLower(raw)
	if dec, err := url.PathUnescape(k); err == nil {
		return dec
	}
	return k
}

// splitServiceAccountUser recognizes a service account user name whose
// namespace and name are valid object names; anything else is an ordinary
// user name.
func splitServiceAccountUser(user string) (namespace, name string, ok bool) {
	namespace, name, ok = serviceaccount.SplitUserName(user)
	if !ok || len(validation.IsDNS1123Label(namespace)) > 0 || len(validation.IsDNS1123Subdomain(name)) > 0 {
		return "", "", false
	}
	return namespace, name, true
}

// impersonatedUser builds the user the request goes on as from its
// authorized targets.
func impersonatedUser(targets []target) *authn.UserInfo {
	groupsAsked := slices.ContainsFunc(targets, func(t target) bool { return t.kind == targetGroup })
	u := &authn.UserInfo{Groups: []string{}}
	for _, t := range targets {
		switch t.kind {
		case targetUser:
			u.Name = t.name
		case targetServiceAccount:
			u.Name = serviceaccount.UserName(t.namespace, t.name)
			if !groupsAsked {
				u.Groups = append(u.Groups, serviceaccount.AllGroup, serviceaccount.GroupPrefix+t.namespace)
			}
		case targetGroup:
			u.Groups = append(u.Groups, t.name)
		case targetExtra:
			if u.Extra == nil {
				u.Extra = map[string][]string{}
			}
			u.Extra[t.extraKey] = append(u.Extra[t.extraKey], t.name)
		case targetUID:
			u.UID = t.name
		}
	}
	if u.Name == authn.Anonymous {
		if !slices.Contains(u.Groups, authn.AllUnauthenticated) {
			u.Groups = append(u.Groups, authn.AllUnauthenticated)
		}
	} else if !slices.Contains(u.Groups, authn.AllAuthenticated) && !slices.Contains(u.Groups, authn.AllUnauthenticated) {
		u.Groups = append(u.Groups, authn.AllAuthenticated)
	}
	return u
}

// stripImpersonationHeaders removes every impersonation header, so that
// nothing after the filter (proxies to kubelets or aggregated servers
// included) sees them.
func stripImpersonationHeaders(hdr http.Header) {
	hdr.Del(authenticationv1.ImpersonateUserHeader)
	hdr.Del(authenticationv1.ImpersonateGroupHeader)
	hdr.Del(authenticationv1.ImpersonateUIDHeader)
	for k := range hdr {
		if strings.HasPrefix(k, authenticationv1.ImpersonateUserExtraHeaderPrefix) {
			delete(hdr, k)
		}
	}
}

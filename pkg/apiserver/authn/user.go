package authn

import (
	"context"
	"net/http"
	"slices"
)

// Well-known user and group names.
const (
	Anonymous          = "system:anonymous"
	AllUnauthenticated = "system:unauthenticated"
	AllAuthenticated   = "system:authenticated"
	SystemMasters      = "system:masters"
)

// UserInfo is an authenticated identity.
type UserInfo struct {
	// Name is the user name (certificate CN, token file user).
	Name string
	// UID is an optional stable identifier.
	UID string
	// Groups the user belongs to.
	Groups []string
	// Extra holds authenticator-specific attributes.
	Extra map[string][]string
}

// InGroup reports whether the user is a member of group.
func (u *UserInfo) InGroup(group string) bool {
	return u != nil && slices.Contains(u.Groups, group)
}

// Authenticator finds the user a request speaks for. It returns ok=false
// with a nil error when the request carries no credential it understands,
// and an error when it carries one that is invalid. Implementations are safe
// for concurrent use.
type Authenticator interface {
	AuthenticateRequest(r *http.Request) (user *UserInfo, ok bool, err error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(r *http.Request) (*UserInfo, bool, error)

// AuthenticateRequest calls f.
func (f AuthenticatorFunc) AuthenticateRequest(r *http.Request) (*UserInfo, bool, error) {
	return f(r)
}

type userKey struct{}

// WithUser returns ctx carrying user.
func WithUser(ctx context.Context, user *UserInfo) context.Context {
	return context.WithValue(ctx, userKey{}, user)
}

// UserFrom returns the user stored by WithUser.
func UserFrom(ctx context.Context) (*UserInfo, bool) {
	u, ok := ctx.Value(userKey{}).(*UserInfo)
	return u, ok && u != nil
}

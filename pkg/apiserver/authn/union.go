package authn

import (
	"crypto/x509"
	"errors"
	"net/http"
	"slices"
)

// Union tries each authenticator in order and returns the first user found.
// When none finds one, the errors of those that rejected a credential are
// joined and returned.
func Union(auths ...Authenticator) Authenticator {
	return AuthenticatorFunc(func(r *http.Request) (*UserInfo, bool, error) {
		var errs []error
		for _, a := range auths {
			u, ok, err := a.AuthenticateRequest(r)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if ok {
				return u, true, nil
			}
		}
		return nil, false, errors.Join(errs...)
	})
}

// WithAuthenticatedGroup adds system:authenticated to every user a finds.
func WithAuthenticatedGroup(a Authenticator) Authenticator {
	return AuthenticatorFunc(func(r *http.Request) (*UserInfo, bool, error) {
		u, ok, err := a.AuthenticateRequest(r)
		if err != nil || !ok {
			return u, ok, err
		}
		if !u.InGroup(AllAuthenticated) {
			cp := *u
			cp.Groups = append(slices.Clip(u.Groups), AllAuthenticated)
			u = &cp
		}
		return u, true, nil
	})
}

// AnonymousUser is the identity of requests without credentials.
func AnonymousUser() *UserInfo {
	return &UserInfo{Name: Anonymous, Groups: []string{AllUnauthenticated}}
}

// WithAnonymous returns an authenticator that falls back to the anonymous
// user when a finds nothing, but still fails when a rejects a credential.
func WithAnonymous(a Authenticator) Authenticator {
	return AuthenticatorFunc(func(r *http.Request) (*UserInfo, bool, error) {
		u, ok, err := a.AuthenticateRequest(r)
		if err != nil || ok {
			return u, ok, err
		}
		return AnonymousUser(), true, nil
	})
}

// Config selects the authenticators New builds.
type Config struct {
	// ClientCAs verifies client certificates; nil disables x509 authentication.
	ClientCAs *x509.CertPool
	// TokenFile is a Kubernetes static token CSV; empty disables tokens.
	TokenFile string
	// Anonymous serves requests without credentials as system:anonymous.
	Anonymous bool
	// Tokens are more bearer token authenticators (service account
	// tokens), tried after the static token file.
	Tokens []Authenticator
}

// New builds the apiserver's authenticator: x509, then bearer tokens (the
// token file, then cfg.Tokens), with system:authenticated added, and
// anonymous last when enabled.
func New(cfg Config) (Authenticator, error) {
	var auths []Authenticator
	if cfg.ClientCAs != nil {
		auths = append(auths, NewX509(cfg.ClientCAs))
	}
	if cfg.TokenFile != "" {
		tokens, err := LoadTokenFile(cfg.TokenFile)
		if err != nil {
			return nil, err
		}
		auths = append(auths, tokens)
	}
	auths = append(auths, cfg.Tokens...)
	a := WithAuthenticatedGroup(Union(auths...))
	if cfg.Anonymous {
		a = WithAnonymous(a)
	}
	return a, nil
}

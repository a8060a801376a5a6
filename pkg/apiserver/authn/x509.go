package authn

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// X509 authenticates requests by the client certificate of their TLS
// connection: the chain must verify against the client CA pool for client
// authentication; the subject's CommonName is the user and its
// Organizations are the groups.
type X509 struct {
	roots *x509.CertPool
}

// NewX509 returns an authenticator trusting the CAs in roots.
func NewX509(roots *x509.CertPool) *X509 { return &X509{roots: roots} }

// AuthenticateRequest implements Authenticator.
func (a *X509) AuthenticateRequest(r *http.Request) (*UserInfo, bool, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, false, nil
	}
	leaf := r.TLS.PeerCertificates[0]
	opts := x509.VerifyOptions{
		Roots:         a.roots,
		Intermediates: x509.NewCertPool(),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	for _, c := range r.TLS.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	if _, err := leaf.Verify(opts); err != nil {
		return nil, false, fmt.Errorf("verify client certificate %q: %w", leaf.Subject.CommonName, err)
	}
	if leaf.Subject.CommonName == "" {
		return nil, false, errors.New("client certificate has no common name")
	}
	return &UserInfo{
		Name:   leaf.Subject.CommonName,
		Groups: slices.Clone(leaf.Subject.Organization),
	}, true, nil
}

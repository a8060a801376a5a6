package authn

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of the verified-chain cache.
const (
	// x509CacheTTL bounds how long a verified chain is trusted without
	// checking its signatures again.
	x509CacheTTL = 5 * time.Minute
	// x509CacheSize bounds the number of chains remembered.
	x509CacheSize = 4096
)

// X509 authenticates requests by the client certificate of their TLS
// connection: the chain must verify against the client CA pool for client
// authentication; the subject's CommonName is the user and its
// Organizations are the groups.
//
// A chain that verified is remembered (by the hash of its certificates)
// until x509CacheTTL passes or a certificate of the chain expires, so the
// many requests of one client cost one signature check, not one each.
// Rejected chains are never remembered.
type X509 struct {
	roots *x509.CertPool
	now   func() time.Time

	mu    sync.Mutex
	cache map[[sha256.Size]byte]x509Entry
	// verifications counts the chains actually verified (for tests).
	verifications atomic.Int64
}

type x509Entry struct {
	user    UserInfo
	expires time.Time
}

// NewX509 returns an authenticator trusting the CAs in roots.
func NewX509(roots *x509.CertPool) *X509 {
	return &X509{roots: roots, now: time.Now, cache: map[[sha256.Size]byte]x509Entry{}}
}

// AuthenticateRequest implements Authenticator.
func (a *X509) AuthenticateRequest(r *http.Request) (*UserInfo, bool, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, false, nil
	}
	certs := r.TLS.PeerCertificates
	key := chainKey(certs)
	now := a.now()
	a.mu.Lock()
	e, hit := a.cache[key]
	a.mu.Unlock()
	if hit && now.Before(e.expires) {
		u := e.user
		u.Groups = slices.Clone(e.user.Groups)
		return &u, true, nil
	}
	u, expires, err := a.verify(certs, now)
	if err != nil {
		return nil, false, err
	}
	a.remember(key, x509Entry{user: *u, expires: expires}, now)
	return u, true, nil
}

// verify checks the chain at now and returns its user and how long the
// answer may be reused.
func (a *X509) verify(certs []*x509.Certificate, now time.Time) (*UserInfo, time.Time, error) {
	a.verifications.Add(1)
	leaf := certs[0]
	opts := x509.VerifyOptions{
		Roots:         a.roots,
		Intermediates: x509.NewCertPool(),
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	chains, err := leaf.Verify(opts)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("verify client certificate %q: %w", leaf.Subject.CommonName, err)
	}
	if leaf.Subject.CommonName == "" {
		return nil, time.Time{}, errors.New("client certificate has no common name")
	}
	expires := now.Add(x509CacheTTL)
	for _, c := range chains[0] {
		if c.NotAfter.Before(expires) {
			expires = c.NotAfter
		}
	}
	return &UserInfo{Name: leaf.Subject.CommonName, Groups: slices.Clone(leaf.Subject.Organization)}, expires, nil
}

// remember stores e, first dropping expired entries (then any entries)
// when the cache is full.
func (a *X509) remember(key [sha256.Size]byte, e x509Entry, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.cache) >= x509CacheSize {
		for k, old := range a.cache {
			if !now.Before(old.expires) {
				delete(a.cache, k)
			}
		}
		for k := range a.cache {
			if len(a.cache) < x509CacheSize {
				break
			}
			delete(a.cache, k)
		}
	}
	a.cache[key] = e
}

// chainKey hashes the DER of every certificate the client sent.
func chainKey(certs []*x509.Certificate) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	for _, c := range certs {
		binary.BigEndian.PutUint64(n[:], uint64(len(c.Raw)))
		h.Write(n[:])
		h.Write(c.Raw)
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

package serviceaccount

import (
	"crypto"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// DefaultIssuer is the issuer Kubernetes clusters use by default.
const DefaultIssuer = "https://kubernetes.default.svc.cluster.local"

// Errors of Verify.
var (
	ErrExpired       = errors.New("service account token has expired")
	ErrNotYetValid   = errors.New("service account token is not valid yet")
	ErrWrongAudience = errors.New("service account token is not meant for this server (audience)")
	ErrNotOurs       = errors.New("token was not issued by a service account issuer of this server")
)

// leeway tolerates clock skew between apiservers for nbf and iat.
const leeway = time.Minute

// Config configures Tokens.
type Config struct {
	// Issuers are the accepted "iss" values; the first is put in the
	// tokens issued (default DefaultIssuer).
	Issuers []string
	// APIAudiences are the audiences of tokens meant for this server and
	// the default audiences of a TokenRequest (default: the issuers).
	APIAudiences []string
	// Signer signs the issued tokens; nil issues nothing (verification only).
	Signer *Signer
	// PublicKeys verify tokens (default: the signer's key).
	PublicKeys []crypto.PublicKey
	// MaxExpiration caps requested lifetimes (0: no cap).
	MaxExpiration time.Duration
	// JWKSURI is the jwks_uri of the discovery document.
	JWKSURI string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Tokens issues and verifies service account tokens.
type Tokens struct {
	cfg  Config
	keys []verifyKey
}

// New checks cfg and returns its Tokens.
func New(cfg Config) (*Tokens, error) {
	if len(cfg.Issuers) == 0 {
		cfg.Issuers = []string{DefaultIssuer}
	}
	if slices.Contains(cfg.Issuers, "") {
		return nil, errors.New("service account issuer must not be empty")
	}
	if len(cfg.APIAudiences) == 0 {
		cfg.APIAudiences = slices.Clone(cfg.Issuers)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pubs := cfg.PublicKeys
	if len(pubs) == 0 && cfg.Signer != nil {
		pubs = []crypto.PublicKey{cfg.Signer.Public()}
	}
	if len(pubs) == 0 {
		return nil, errors.New("service account tokens need a signing key or public keys")
	}
	t := &Tokens{cfg: cfg}
	for _, p := range pubs {
		k, err := newVerifyKey(p)
		if err != nil {
			return nil, fmt.Errorf("service account public key: %w", err)
		}
		t.keys = append(t.keys, k)
	}
	return t, nil
}

// Issuer is the "iss" of issued tokens.
func (t *Tokens) Issuer() string { return t.cfg.Issuers[0] }

// APIAudiences are the audiences this server accepts.
func (t *Tokens) APIAudiences() []string { return slices.Clone(t.cfg.APIAudiences) }

// CanIssue reports whether a signing key is configured.
func (t *Tokens) CanIssue() bool { return t.cfg.Signer != nil }

// Request says what one token is for.
type Request struct {
	Namespace string
	// ServiceAccount is the account the token speaks for.
	ServiceAccount Ref
	// Audiences of the token (default: the API audiences).
	Audiences []string
	// Lifetime of the token (capped by MaxExpiration).
	Lifetime time.Duration
	// Pod, Secret and Node are the objects the token is bound to, if any.
	Pod, Secret, Node *Ref
}

// Issue signs a token for req and returns it with its expiry.
func (t *Tokens) Issue(req Request) (string, time.Time, error) {
	if t.cfg.Signer == nil {
		return "", time.Time{}, errors.New("no service account signing key is configured")
	}
	life := req.Lifetime
	if t.cfg.MaxExpiration > 0 && life > t.cfg.MaxExpiration {
		life = t.cfg.MaxExpiration
	}
	now := t.cfg.Now().Truncate(time.Second)
	exp := now.Add(life)
	aud := req.Audiences
	if len(aud) == 0 {
		aud = t.cfg.APIAudiences
	}
	jti, err := newUUID()
	if err != nil {
		return "", time.Time{}, err
	}
	c := Claims{
		Issuer: t.Issuer(), Subject: UserName(req.Namespace, req.ServiceAccount.Name), Audience: aud,
		Expiry: exp.Unix(), NotBefore: now.Unix(), IssuedAt: now.Unix(), ID: jti,
		Kubernetes: &PrivateClaims{Namespace: req.Namespace, ServiceAccount: req.ServiceAccount,
			Pod: req.Pod, Secret: req.Secret, Node: req.Node},
	}
	tok, err := t.cfg.Signer.Sign(c)
	if err != nil {
		return "", time.Time{}, err
	}
	return tok, exp, nil
}

// Verify checks a token's signature, issuer, lifetime and audience and
// returns its claims. ErrNotOurs (or ErrMalformed) means the token is not a
// service account token of this server at all; other errors reject it.
func (t *Tokens) Verify(token string) (*Claims, error) {
	return t.verifyFor(token, t.cfg.APIAudiences)
}

// verifyFor is Verify accepting a token meant for any of audiences.
func (t *Tokens) verifyFor(token string, audiences []string) (*Claims, error) {
	p, err := parseJWS(token)
	if err != nil {
		return nil, err
	}
	var c Claims
	if err := json.Unmarshal(p.payload, &c); err != nil {
		return nil, ErrMalformed
	}
	if !slices.Contains(t.cfg.Issuers, c.Issuer) {
		return nil, ErrNotOurs
	}
	if err := p.verify(t.keys); err != nil {
		return nil, err
	}
	if err := t.checkClaimsFor(&c, audiences); err != nil {
		return nil, err
	}
	return &c, nil
}

// checkClaims checks the time and audience claims of verified claims.
func (t *Tokens) checkClaims(c *Claims) error {
	return t.checkClaimsFor(c, t.cfg.APIAudiences)
}

// checkClaimsFor is checkClaims accepting any of audiences.
func (t *Tokens) checkClaimsFor(c *Claims, audiences []string) error {
	now := t.cfg.Now()
	switch {
	case c.Expiry == 0 || !now.Before(time.Unix(c.Expiry, 0)):
		return ErrExpired
	case c.NotBefore != 0 && now.Add(leeway).Before(time.Unix(c.NotBefore, 0)):
		return ErrNotYetValid
	case c.IssuedAt != 0 && now.Add(leeway).Before(time.Unix(c.IssuedAt, 0)):
		return ErrNotYetValid
	case !c.Audience.Intersects(audiences):
		return ErrWrongAudience
	case c.Kubernetes == nil || c.Kubernetes.Namespace == "" || c.Kubernetes.ServiceAccount.Name == "":
		return fmt.Errorf("%w: the kubernetes.io claim is missing", ErrMalformed)
	case c.Subject != UserName(c.Kubernetes.Namespace, c.Kubernetes.ServiceAccount.Name):
		return fmt.Errorf("%w: sub does not name the service account", ErrMalformed)
	}
	return nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("token id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

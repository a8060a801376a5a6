package serviceaccount

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"

	"keel.dev/keel/pkg/apiserver/authn"
)

// ErrRevoked is returned for a valid token whose service account or bound
// object is gone or was replaced.
var ErrRevoked = errors.New("service account token has been invalidated")

// deletionGrace is how long after its deletionTimestamp a bound object's
// tokens keep working (the pod may still be shutting down).
const deletionGrace = 60 * time.Second

// cacheTTL bounds how long a verified signature is remembered; the objects
// a token refers to are checked on every request.
const cacheTTL = 10 * time.Second

// cacheSize bounds the verification cache; it is cleared when full.
const cacheSize = 4096

// Authenticator accepts bearer service account tokens signed by an
// accepted key, for an accepted issuer and audience, unexpired, whose
// service account (and bound object, if any) still exists with the UID in
// the token.
type Authenticator struct {
	tokens  *Tokens
	objects Getter

	mu    sync.Mutex
	cache map[[32]byte]cached
}

type cached struct {
	claims *Claims
	until  time.Time
}

var _ authn.Authenticator = (*Authenticator)(nil)

// NewAuthenticator returns the service account token authenticator.
func NewAuthenticator(tokens *Tokens, objects Getter) *Authenticator {
	return &Authenticator{tokens: tokens, objects: objects, cache: map[[32]byte]cached{}}
}

// AuthenticateRequest implements authn.Authenticator. Tokens that are not
// JWTs of one of our issuers are left to other authenticators.
func (a *Authenticator) AuthenticateRequest(r *http.Request) (*authn.UserInfo, bool, error) {
	token, ok := authn.BearerToken(r)
	if !ok {
		return nil, false, nil
	}
	u, ok, err := a.AuthenticateToken(r.Context(), token)
	if ok {
		r.Header.Del("Authorization")
	}
	return u, ok, err
}

// AuthenticateToken authenticates one token (TokenReview uses it too).
func (a *Authenticator) AuthenticateToken(ctx context.Context, token string) (*authn.UserInfo, bool, error) {
	c, err := a.verify(token)
	if errors.Is(err, ErrMalformed) || errors.Is(err, ErrNotOurs) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if err := a.checkObjects(ctx, c.Kubernetes); err != nil {
		return nil, false, err
	}
	return userOf(c), true, nil
}

// ReviewToken implements authn.TokenReviewer: it authenticates a token
// meant for any of audiences and returns those of audiences it carries.
func (a *Authenticator) ReviewToken(ctx context.Context, token string, audiences []string) (*authn.UserInfo, []string, bool, error) {
	c, err := a.verifyFor(token, audiences)
	if errors.Is(err, ErrMalformed) || errors.Is(err, ErrNotOurs) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	if err := a.checkObjects(ctx, c.Kubernetes); err != nil {
		return nil, nil, false, err
	}
	var got []string
	for _, aud := range audiences {
		if c.Audience.Intersects([]string{aud}) {
			got = append(got, aud)
		}
	}
	return userOf(c), got, true, nil
}

var _ authn.TokenReviewer = (*Authenticator)(nil)

// verify checks the token, remembering good signatures briefly; the claims
// are checked again on every call (expiry).
func (a *Authenticator) verify(token string) (*Claims, error) {
	return a.verifyFor(token, a.tokens.cfg.APIAudiences)
}

// verifyFor is verify for a token meant for any of audiences.
func (a *Authenticator) verifyFor(token string, audiences []string) (*Claims, error) {
	key := sha256.Sum256([]byte(token))
	now := a.tokens.cfg.Now()
	a.mu.Lock()
	e, hit := a.cache[key]
	a.mu.Unlock()
	if hit && now.Before(e.until) {
		if err := a.tokens.checkClaimsFor(e.claims, audiences); err != nil {
			return nil, err
		}
		return e.claims, nil
	}
	c, err := a.tokens.verifyFor(token, audiences)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if len(a.cache) >= cacheSize {
		clear(a.cache)
	}
	a.cache[key] = cached{claims: c, until: now.Add(cacheTTL)}
	a.mu.Unlock()
	return c, nil
}

// checkObjects makes sure the service account and the bound objects still
// exist with the UIDs in the token.
func (a *Authenticator) checkObjects(ctx context.Context, k *PrivateClaims) error {
	ns := k.Namespace
	sa, err := getServiceAccount(ctx, a.objects, ns, k.ServiceAccount.Name, types.UID(k.ServiceAccount.UID), false)
	if err != nil {
		return fmt.Errorf("look up service account %s/%s: %w", ns, k.ServiceAccount.Name, err)
	}
	switch {
	case sa == nil:
		return fmt.Errorf("%w: service account %s/%s has been deleted", ErrRevoked, ns, k.ServiceAccount.Name)
	case k.ServiceAccount.UID != "" && string(sa.UID) != k.ServiceAccount.UID:
		return fmt.Errorf("%w: service account UID (%s) does not match claim (%s)", ErrRevoked, sa.UID, k.ServiceAccount.UID)
	}
	now := a.tokens.cfg.Now()
	gone := func(kind string, ref *Ref, exists bool, uid types.UID, deleted *time.Time) error {
		switch {
		case !exists:
			return fmt.Errorf("%w: %s %q has been deleted", ErrRevoked, kind, ref.Name)
		case string(uid) != ref.UID:
			return fmt.Errorf("%w: %s %q UID (%s) does not match claim (%s)", ErrRevoked, kind, ref.Name, uid, ref.UID)
		case deleted != nil && deleted.Add(deletionGrace).Before(now):
			return fmt.Errorf("%w: %s %q is being deleted", ErrRevoked, kind, ref.Name)
		}
		return nil
	}
	if ref := k.Secret; ref != nil {
		s, err := getSecret(ctx, a.objects, ns, ref.Name, types.UID(ref.UID), false)
		if err != nil {
			return fmt.Errorf("look up secret %s/%s: %w", ns, ref.Name, err)
		}
		if s == nil {
			return gone("secret", ref, false, "", nil)
		}
		if err := gone("secret", ref, true, s.UID, timeOf(s.DeletionTimestamp)); err != nil {
			return err
		}
	}
	if ref := k.Pod; ref != nil {
		p, err := getPod(ctx, a.objects, ns, ref.Name, types.UID(ref.UID), false)
		if err != nil {
			return fmt.Errorf("look up pod %s/%s: %w", ns, ref.Name, err)
		}
		if p == nil {
			return gone("pod", ref, false, "", nil)
		}
		if err := gone("pod", ref, true, p.UID, timeOf(p.DeletionTimestamp)); err != nil {
			return err
		}
	} else if ref := k.Node; ref != nil {
		// Only a token bound to the node itself depends on it; the node of
		// a pod-bound token is informational.
		n, err := getNode(ctx, a.objects, ref.Name, types.UID(ref.UID), false)
		if err != nil {
			return fmt.Errorf("look up node %s: %w", ref.Name, err)
		}
		if n == nil {
			return gone("node", ref, false, "", nil)
		}
		if err := gone("node", ref, true, n.UID, timeOf(n.DeletionTimestamp)); err != nil {
			return err
		}
	}
	return nil
}

// userOf is the identity a verified token speaks for.
func userOf(c *Claims) *authn.UserInfo {
	k := c.Kubernetes
	u := &authn.UserInfo{
		Name:   UserName(k.Namespace, k.ServiceAccount.Name),
		UID:    k.ServiceAccount.UID,
		Groups: []string{AllGroup, GroupPrefix + k.Namespace},
	}
	extra := map[string][]string{}
	if c.ID != "" {
		extra[ExtraCredential] = []string{"JTI=" + c.ID}
	}
	if k.Pod != nil {
		extra[ExtraPodName] = []string{k.Pod.Name}
		extra[ExtraPodUID] = []string{k.Pod.UID}
	}
	if k.Node != nil {
		extra[ExtraNodeName] = []string{k.Node.Name}
		if k.Node.UID != "" {
			extra[ExtraNodeUID] = []string{k.Node.UID}
		}
	}
	if len(extra) > 0 {
		u.Extra = extra
	}
	return u
}

// timeOf returns the time of a deletionTimestamp, nil when unset.
func timeOf(t *metav1.Time) *time.Time {
	if t == nil {
		return nil
	}
	return &t.Time
}

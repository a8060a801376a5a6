package token

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	authenticationv1 "keel.dev/api/authentication/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/typed"

	"keel.dev/keel/pkg/kubelet/volumes"
)

// maxAge is the age after which a token is replaced whatever its lifetime.
const maxAge = 24 * time.Hour

// requestTimeout bounds one TokenRequest.
const requestTimeout = 30 * time.Second

// Requester asks the apiserver for a token of a service account.
type Requester interface {
	RequestToken(ctx context.Context, namespace, serviceAccount string, req *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error)
}

// ClientRequester requests tokens through the kubelet's API client.
type ClientRequester struct {
	Client *typed.Clientset
}

// RequestToken implements Requester.
func (c ClientRequester) RequestToken(ctx context.Context, namespace, serviceAccount string, req *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error) {
	out := &authenticationv1.TokenRequest{}
	if err := c.Client.CoreV1().ServiceAccounts(namespace).CreateSubresource(ctx, serviceAccount, "token", req, out, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	return out, nil
}

// Manager hands out cached, refreshed service account tokens.
type Manager struct {
	req Requester
	now func() time.Time

	mu     sync.Mutex
	cache  map[key]entry
	lastGC time.Time
}

var _ volumes.TokenSource = (*Manager)(nil)

// key identifies one token: the pod, the account and what was asked.
type key struct {
	podUID         string
	namespace      string
	serviceAccount string
	audience       string
	seconds        int64
}

type entry struct {
	token   string
	issued  time.Time
	expires time.Time
}

// NewManager returns a manager requesting tokens through req; now is the
// clock (nil: time.Now).
func NewManager(req Requester, now func() time.Time) *Manager {
	if now == nil {
		now = time.Now
	}
	return &Manager{req: req, now: now, cache: map[key]entry{}}
}

// Token implements volumes.TokenSource: the cached token of the pod for
// the projection, or a new one when there is none or it is due for
// refresh. When a refresh fails while the cached token is still valid, the
// cached token is returned.
func (m *Manager) Token(pod *corev1.Pod, p *corev1.ServiceAccountTokenProjection) (string, error) {
	if pod.Spec.ServiceAccountName == "" {
		return "", errors.New("the pod has no service account")
	}
	var seconds int64 = 3600
	if p.ExpirationSeconds != nil {
		seconds = *p.ExpirationSeconds
	}
	k := key{podUID: string(pod.UID), namespace: pod.Namespace, serviceAccount: pod.Spec.ServiceAccountName,
		audience: p.Audience, seconds: seconds}
	now := m.now()
	m.mu.Lock()
	m.collect(now)
	cur, ok := m.cache[k]
	m.mu.Unlock()
	if ok && !due(cur, now) {
		return cur.token, nil
	}
	req := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{
		ExpirationSeconds: &seconds,
		BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
	}}
	if p.Audience != "" {
		req.Spec.Audiences = []string{p.Audience}
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	out, err := m.req.RequestToken(ctx, pod.Namespace, pod.Spec.ServiceAccountName, req)
	if err != nil {
		if ok && now.Before(cur.expires) {
			return cur.token, nil
		}
		return "", fmt.Errorf("request token of service account %s/%s for pod %s: %w", pod.Namespace, pod.Spec.ServiceAccountName, pod.Name, err)
	}
	if out.Status.Token == "" {
		return "", fmt.Errorf("request token of service account %s/%s: empty token", pod.Namespace, pod.Spec.ServiceAccountName)
	}
	e := entry{token: out.Status.Token, issued: now, expires: out.Status.ExpirationTimestamp.Time}
	if e.expires.IsZero() {
		e.expires = now.Add(time.Duration(seconds) * time.Second)
	}
	m.mu.Lock()
	m.cache[k] = e
	m.mu.Unlock()
	return e.token, nil
}

// Forget drops the tokens of a pod (when it is removed from the node).
func (m *Manager) Forget(podUID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.cache {
		if k.podUID == podUID {
			delete(m.cache, k)
		}
	}
}

// due reports whether a token should be replaced: past 80% of its
// lifetime or older than a day.
func due(e entry, now time.Time) bool {
	life := e.expires.Sub(e.issued)
	refreshAt := e.issued.Add(life * 8 / 10)
	return !now.Before(refreshAt) || now.Sub(e.issued) > maxAge
}

// collect drops expired tokens, at most once a minute; mu is held.
func (m *Manager) collect(now time.Time) {
	if now.Sub(m.lastGC) < time.Minute {
		return
	}
	m.lastGC = now
	for k, e := range m.cache {
		if !now.Before(e.expires) {
			delete(m.cache, k)
		}
	}
}

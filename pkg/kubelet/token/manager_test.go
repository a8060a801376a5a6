package token

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	authenticationv1 "keel.dev/api/authentication/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// fakeRequester issues numbered tokens valid for the requested time.
type fakeRequester struct {
	now  *time.Time
	reqs []*authenticationv1.TokenRequest
	fail bool
}

func (f *fakeRequester) RequestToken(_ context.Context, ns, sa string, req *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error) {
	f.reqs = append(f.reqs, req)
	if f.fail {
		return nil, errors.New("apiserver unreachable")
	}
	out := req.DeepCopy()
	out.Status.Token = fmt.Sprintf("%s/%s/%d", ns, sa, len(f.reqs))
	out.Status.ExpirationTimestamp = metav1.NewTime(f.now.Add(time.Duration(*req.Spec.ExpirationSeconds) * time.Second))
	return out, nil
}

func testPod() *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "u1"},
		Spec: corev1.PodSpec{ServiceAccountName: "robot"}}
}

func projection(seconds int64, aud string) *corev1.ServiceAccountTokenProjection {
	return &corev1.ServiceAccountTokenProjection{ExpirationSeconds: &seconds, Audience: aud, Path: "token"}
}

func TestTokenIsBoundToThePodAndCached(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	f := &fakeRequester{now: &now}
	m := NewManager(f, func() time.Time { return now })
	tok, err := m.Token(testPod(), projection(3607, ""))
	if err != nil {
		t.Fatal(err)
	}
	if tok != "ns/robot/1" {
		t.Fatalf("token = %q", tok)
	}
	ref := f.reqs[0].Spec.BoundObjectRef
	if ref == nil || ref.Kind != "Pod" || ref.APIVersion != "v1" || ref.Name != "web" || ref.UID != "u1" {
		t.Errorf("boundObjectRef = %+v, want the pod", ref)
	}
	if len(f.reqs[0].Spec.Audiences) != 0 || *f.reqs[0].Spec.ExpirationSeconds != 3607 {
		t.Errorf("spec = %+v, want default audiences and 3607s", f.reqs[0].Spec)
	}
	if _, err := m.Token(testPod(), projection(3607, "vault")); err != nil {
		t.Fatal(err)
	}
	if got := f.reqs[1].Spec.Audiences; len(got) != 1 || got[0] != "vault" {
		t.Errorf("audiences = %v, want [vault]", got)
	}
	if again, _ := m.Token(testPod(), projection(3607, "")); again != tok || len(f.reqs) != 2 {
		t.Errorf("second call = %q after %d requests, want the cached %q", again, len(f.reqs), tok)
	}
}

func TestTokenRefresh(t *testing.T) {
	tests := []struct {
		name      string
		seconds   int64
		advance   time.Duration
		fail      bool
		want      string
		wantError bool
	}{
		{name: "before 80% of the lifetime the cached token is kept", seconds: 3600, advance: 47 * time.Minute, want: "ns/robot/1"},
		{name: "at 80% of the lifetime a new token is fetched", seconds: 3600, advance: 48 * time.Minute, want: "ns/robot/2"},
		{name: "a token older than a day is replaced", seconds: 10 * 24 * 3600, advance: 25 * time.Hour, want: "ns/robot/2"},
		{name: "a failed refresh keeps a still valid token", seconds: 3600, advance: 50 * time.Minute, fail: true, want: "ns/robot/1"},
		{name: "a failed refresh of an expired token is an error", seconds: 3600, advance: 2 * time.Hour, fail: true, wantError: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Unix(1_000_000, 0)
			f := &fakeRequester{now: &now}
			m := NewManager(f, func() time.Time { return now })
			if _, err := m.Token(testPod(), projection(tc.seconds, "")); err != nil {
				t.Fatal(err)
			}
			now = now.Add(tc.advance)
			f.fail = tc.fail
			got, err := m.Token(testPod(), projection(tc.seconds, ""))
			if tc.wantError {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("token = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestForgetDropsThePodsTokens(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	f := &fakeRequester{now: &now}
	m := NewManager(f, func() time.Time { return now })
	if _, err := m.Token(testPod(), projection(3600, "")); err != nil {
		t.Fatal(err)
	}
	m.Forget("u1")
	if got, _ := m.Token(testPod(), projection(3600, "")); got != "ns/robot/2" {
		t.Errorf("token after Forget = %q, want a new one", got)
	}
}

package serviceaccount

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	authenticationv1 "keel.dev/api/authentication/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// fakeObjects is a Getter over a map; fresh and cached reads agree.
type fakeObjects map[string]runtime.Object

func (f fakeObjects) Get(_ context.Context, gr schema.GroupResource, ns, name string, _ bool) (runtime.Object, error) {
	o, ok := f[gr.Resource+"/"+ns+"/"+name]
	if !ok {
		return nil, nil
	}
	return o, nil
}

func world() fakeObjects {
	return fakeObjects{
		"serviceaccounts/ns/robot": &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "robot", Namespace: "ns", UID: "sa-uid"}},
		"pods/ns/web": &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "pod-uid"},
			Spec: corev1.PodSpec{ServiceAccountName: "robot", NodeName: "n1"}},
		"pods/ns/other": &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "other", Namespace: "ns", UID: "o-uid"},
			Spec: corev1.PodSpec{ServiceAccountName: "default"}},
		"nodes//n1": &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", UID: "node-uid"}},
	}
}

func requestToken(t *testing.T, r *TokenREST, name string, spec authenticationv1.TokenRequestSpec) (*authenticationv1.TokenRequest, error) {
	t.Helper()
	ctx := rest.WithNamespace(context.Background(), "ns")
	out, err := r.Create(ctx, &authenticationv1.TokenRequest{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}, &metav1.CreateOptions{})
	if err != nil {
		return nil, err
	}
	return out.(*authenticationv1.TokenRequest), nil
}

func authenticate(a *Authenticator, token string) (*http.Request, error) {
	r := httptest.NewRequest(http.MethodGet, "/api", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	_, ok, err := a.AuthenticateRequest(r)
	if err == nil && !ok {
		err = errors.New("not authenticated")
	}
	return r, err
}

func TestTokenRequestThenAuthenticate(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tk := newTokens(t, testRSA(t), &now, nil)
	objs := world()
	r := NewTokenREST(tk, objs)
	a := NewAuthenticator(tk, objs)
	tr, err := requestToken(t, r, "robot", authenticationv1.TokenRequestSpec{
		BoundObjectRef: &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: "web", UID: "pod-uid"}})
	if err != nil {
		t.Fatal(err)
	}
	if *tr.Spec.ExpirationSeconds != 3600 || !tr.Status.ExpirationTimestamp.Time.Equal(now.Add(time.Hour)) {
		t.Errorf("expiration = %d / %v, want the 1h default", *tr.Spec.ExpirationSeconds, tr.Status.ExpirationTimestamp)
	}
	if len(tr.Spec.Audiences) != 1 || tr.Spec.Audiences[0] != DefaultIssuer {
		t.Errorf("audiences = %v, want the API audiences", tr.Spec.Audiences)
	}
	req, err := authenticate(a, tr.Status.Token)
	if err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("the accepted token was left in the request")
	}
	u, _, _ := a.AuthenticateToken(context.Background(), tr.Status.Token)
	if u.Name != "system:serviceaccount:ns:robot" || u.UID != "sa-uid" ||
		len(u.Groups) != 2 || u.Groups[0] != "system:serviceaccounts" || u.Groups[1] != "system:serviceaccounts:ns" {
		t.Errorf("user = %+v", u)
	}
	for k, want := range map[string]string{ExtraPodName: "web", ExtraPodUID: "pod-uid", ExtraNodeName: "n1", ExtraNodeUID: "node-uid"} {
		if got := u.Extra[k]; len(got) != 1 || got[0] != want {
			t.Errorf("extra %s = %v, want [%s]", k, got, want)
		}
	}
	if got := u.Extra[ExtraCredential]; len(got) != 1 || len(got[0]) != len("JTI=")+36 {
		t.Errorf("credential id = %v, want JTI=<uuid>", got)
	}

	// The bound pod replaced by one with another UID revokes the token.
	objs["pods/ns/web"] = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "new-uid"}}
	if _, err := authenticate(a, tr.Status.Token); !errors.Is(err, ErrRevoked) {
		t.Errorf("after the pod was replaced: err = %v, want ErrRevoked", err)
	}
	// A pod deleted more than a minute ago revokes it too.
	gone := metav1.NewTime(now.Add(-2 * time.Minute))
	objs["pods/ns/web"] = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns", UID: "pod-uid", DeletionTimestamp: &gone}}
	if _, err := authenticate(a, tr.Status.Token); !errors.Is(err, ErrRevoked) {
		t.Errorf("after the pod was deleted: err = %v, want ErrRevoked", err)
	}
	delete(objs, "pods/ns/web")
	if _, err := authenticate(a, tr.Status.Token); !errors.Is(err, ErrRevoked) {
		t.Errorf("after the pod vanished: err = %v, want ErrRevoked", err)
	}
}

func TestDeletedServiceAccountRevokesItsTokens(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tk := newTokens(t, testRSA(t), &now, nil)
	objs := world()
	tr, err := requestToken(t, NewTokenREST(tk, objs), "robot", authenticationv1.TokenRequestSpec{})
	if err != nil {
		t.Fatal(err)
	}
	a := NewAuthenticator(tk, objs)
	if _, err := authenticate(a, tr.Status.Token); err != nil {
		t.Fatal(err)
	}
	objs["serviceaccounts/ns/robot"] = &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "robot", Namespace: "ns", UID: "recreated"}}
	if _, err := authenticate(a, tr.Status.Token); !errors.Is(err, ErrRevoked) {
		t.Errorf("after the account was recreated: err = %v, want ErrRevoked", err)
	}
}

func TestAuthenticatorLeavesOtherTokensAlone(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	a := NewAuthenticator(newTokens(t, testRSA(t), &now, nil), world())
	for _, tok := range []string{"abc123", "a.b.c"} {
		r := httptest.NewRequest(http.MethodGet, "/api", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		if u, ok, err := a.AuthenticateRequest(r); ok || err != nil || u != nil {
			t.Errorf("token %q: user %v ok %v err %v, want no opinion", tok, u, ok, err)
		}
	}
}

func TestTokenRequestErrors(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tk := newTokens(t, testRSA(t), &now, nil)
	r := NewTokenREST(tk, world())
	short := int64(599)
	tests := []struct {
		name string
		sa   string
		spec authenticationv1.TokenRequestSpec
		code int32
		msg  string
	}{
		{name: "a missing service account is 404", sa: "nobody", code: 404, msg: `serviceaccounts "nobody" not found`},
		{name: "less than ten minutes is 422", sa: "robot", spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &short}, code: 422},
		{name: "a missing bound pod is 404", sa: "robot", code: 404, msg: `pods "gone" not found`,
			spec: authenticationv1.TokenRequestSpec{BoundObjectRef: &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: "gone"}}},
		{name: "a bound pod with another UID is 409", sa: "robot", code: 409,
			spec: authenticationv1.TokenRequestSpec{BoundObjectRef: &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: "web", UID: "stale"}}},
		{name: "a pod of another account is 400", sa: "robot", code: 400,
			spec: authenticationv1.TokenRequestSpec{BoundObjectRef: &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: "other"}}},
		{name: "an unsupported kind is 400", sa: "robot", code: 400,
			spec: authenticationv1.TokenRequestSpec{BoundObjectRef: &authenticationv1.BoundObjectReference{Kind: "ConfigMap", APIVersion: "v1", Name: "x"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := requestToken(t, r, tc.sa, tc.spec)
			var se *apierrors.StatusError
			if !errors.As(err, &se) || se.ErrStatus.Code != tc.code {
				t.Fatalf("err = %v, want HTTP %d", err, tc.code)
			}
			if tc.msg != "" && se.ErrStatus.Message != tc.msg {
				t.Errorf("message = %q, want %q", se.ErrStatus.Message, tc.msg)
			}
		})
	}
}

func TestDiscoveryDocuments(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tk := newTokens(t, testRSA(t), &now, nil)
	h, err := tk.DiscoveryHandler("https://10.0.0.1:6443/openid/v1/jwks", http.NotFoundHandler())
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}
	w := get(OpenIDConfigPath)
	var cfg map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &cfg); err != nil || w.Code != 200 {
		t.Fatalf("%s: %d %s", OpenIDConfigPath, w.Code, w.Body)
	}
	if cfg["issuer"] != DefaultIssuer || cfg["jwks_uri"] != "https://10.0.0.1:6443/openid/v1/jwks" {
		t.Errorf("discovery = %v", cfg)
	}
	w = get(JWKSPath)
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &set); err != nil || w.Code != 200 || w.Header().Get("Content-Type") != "application/jwk-set+json" {
		t.Fatalf("%s: %d %q %s", JWKSPath, w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	kid, _ := KeyID(testRSA(t).Public())
	if len(set.Keys) != 1 || set.Keys[0]["kid"] != kid || set.Keys[0]["kty"] != "RSA" || set.Keys[0]["alg"] != "RS256" || set.Keys[0]["e"] != "AQAB" {
		t.Errorf("jwks = %v", set.Keys)
	}
	if w := get("/other"); w.Code != 404 {
		t.Errorf("/other = %d, want the fallback's 404", w.Code)
	}
}

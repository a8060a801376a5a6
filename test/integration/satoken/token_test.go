package satoken

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"keel.dev/keel/pkg/apiserver/serviceaccount"
	"keel.dev/keel/test/integration/framework"
)

func TestTokenRequestAuthenticatesAsTheServiceAccount(t *testing.T) {
	s := framework.StartTestServer(t)
	uid := createServiceAccount(t, s, "default", "robot")
	resp := requestToken(t, s, "default", "robot", map[string]any{})
	framework.Expect(t, resp, http.StatusCreated, "TokenRequest")
	tr := resp.Object(t)
	if tr["kind"] != "TokenRequest" || tr["apiVersion"] != "authentication.k8s.io/v1" {
		t.Errorf("answer kind = %v %v", tr["apiVersion"], tr["kind"])
	}
	exp, err := time.Parse(time.RFC3339, framework.String(tr, "status.expirationTimestamp"))
	if err != nil || exp.Before(time.Now().Add(59*time.Minute)) || exp.After(time.Now().Add(61*time.Minute)) {
		t.Errorf("expirationTimestamp = %v (%v), want about an hour from now", exp, err)
	}
	tok := framework.String(tr, "status.token")
	c := claims(t, tok)
	if c["iss"] != serviceaccount.DefaultIssuer || c["sub"] != "system:serviceaccount:default:robot" {
		t.Errorf("claims = %v", c)
	}
	if code, body := asBearer(t, s, http.MethodGet, "/api/v1/namespaces/default/configmaps", tok, nil); code != http.StatusOK {
		t.Fatalf("GET with the token: HTTP %d %s", code, body)
	}
	code, review := whoami(t, s, tok)
	if code != http.StatusCreated {
		t.Fatalf("whoami: HTTP %d %v", code, review)
	}
	if framework.String(review, "status.userInfo.username") != "system:serviceaccount:default:robot" ||
		framework.String(review, "status.userInfo.uid") != uid {
		t.Errorf("whoami = %v", review["status"])
	}
	groups, _ := framework.Field(review, "status.userInfo.groups").([]any)
	for _, g := range []string{"system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"} {
		if !slices.Contains(groups, any(g)) {
			t.Errorf("groups %v lack %s", groups, g)
		}
	}
}

func TestForgedAndExpiredTokensGet401(t *testing.T) {
	s := framework.StartTestServer(t)
	createServiceAccount(t, s, "default", "robot")
	good := token(t, s, "default", "robot", map[string]any{})

	// Signed with the server's own key (from the certificate directory)
	// but expired an hour ago.
	key, err := serviceaccount.LoadPrivateKey(filepath.Join(s.Config.CertDir, serviceaccount.SigningKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := serviceaccount.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	old := serviceaccount.Claims{}
	if err := json.Unmarshal(mustDecode(t, strings.Split(good, ".")[1]), &old); err != nil {
		t.Fatal(err)
	}
	old.IssuedAt, old.NotBefore, old.Expiry = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
	expired, err := signer.Sign(old)
	if err != nil {
		t.Fatal(err)
	}
	// The same claims, still valid, re-signed: accepted (the key is what
	// the server verifies with).
	old.Expiry = time.Now().Add(time.Hour).Unix()
	resigned, _ := signer.Sign(old)

	parts := strings.Split(good, ".")
	payload := claims(t, good)
	payload["sub"] = "system:serviceaccount:kube-system:admin"
	forgedPayload, _ := json.Marshal(payload)
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(forgedPayload) + "." + parts[2]

	tests := []struct {
		name  string
		token string
		want  int
	}{
		{"the issued token is accepted", good, http.StatusOK},
		{"a token re-signed with the server key is accepted", resigned, http.StatusOK},
		{"an expired token is refused", expired, http.StatusUnauthorized},
		{"a token with forged claims is refused", forged, http.StatusUnauthorized},
		{"a token that is no JWT is refused", "garbage", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := asBearer(t, s, http.MethodGet, "/api/v1/namespaces/default/configmaps", tc.token, nil); code != tc.want {
				t.Fatalf("HTTP %d, want %d: %s", code, tc.want, body)
			}
		})
	}
}

func mustDecode(t *testing.T, seg string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTokenRequestErrors(t *testing.T) {
	s := framework.StartTestServer(t)
	createServiceAccount(t, s, "default", "robot")
	tests := []struct {
		name string
		sa   string
		spec map[string]any
		code int
		msg  string
	}{
		{"a missing service account is 404", "nobody", map[string]any{}, http.StatusNotFound, `serviceaccounts "nobody" not found`},
		{"less than ten minutes is 422", "robot", map[string]any{"expirationSeconds": 60}, http.StatusUnprocessableEntity, "may not specify a duration less than 10 minutes"},
		{"a missing bound pod is 404", "robot", map[string]any{"boundObjectRef": map[string]any{"kind": "Pod", "apiVersion": "v1", "name": "gone"}},
			http.StatusNotFound, `pods "gone" not found`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := requestToken(t, s, "default", tc.sa, tc.spec)
			framework.Expect(t, resp, tc.code, "TokenRequest")
			if msg := framework.String(resp.Object(t), "message"); !strings.Contains(msg, tc.msg) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.msg)
			}
		})
	}
}

func TestDeletedPodOrAccountInvalidatesTheToken(t *testing.T) {
	s := framework.StartTestServer(t)
	createServiceAccount(t, s, "default", "robot")
	pod := s.Create(t, "/api/v1/namespaces/default/pods", map[string]any{
		"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "web"},
		"spec": map[string]any{"serviceAccountName": "robot", "containers": []any{map[string]any{"name": "c", "image": "busybox"}}},
	})
	podUID := framework.String(pod, "metadata.uid")

	stale := requestToken(t, s, "default", "robot", map[string]any{
		"boundObjectRef": map[string]any{"kind": "Pod", "apiVersion": "v1", "name": "web", "uid": "not-the-uid"}})
	framework.Expect(t, stale, http.StatusConflict, "TokenRequest bound to a stale UID")

	bound := token(t, s, "default", "robot", map[string]any{
		"boundObjectRef": map[string]any{"kind": "Pod", "apiVersion": "v1", "name": "web", "uid": podUID}})
	if k, _ := claims(t, bound)["kubernetes.io"].(map[string]any); framework.String(k, "pod.uid") != podUID {
		t.Errorf("kubernetes.io claim = %v, want the pod", k)
	}
	unbound := token(t, s, "default", "robot", map[string]any{})
	code, review := whoami(t, s, bound)
	if code != http.StatusCreated {
		t.Fatalf("whoami with the bound token: HTTP %d %v", code, review)
	}
	extra, _ := framework.Field(review, "status.userInfo.extra").(map[string]any)
	if got, _ := extra[serviceaccount.ExtraPodUID].([]any); len(got) != 1 || got[0] != podUID {
		t.Errorf("extra = %v, want pod-uid %s", extra, podUID)
	}

	del := s.Do(t, framework.Request{Method: http.MethodDelete, Path: "/api/v1/namespaces/default/pods/web",
		Body: framework.JSON(t, map[string]any{"gracePeriodSeconds": 0})})
	framework.Expect(t, del, http.StatusOK, "delete pod")
	eventually(t, "the bound token is refused after the pod is deleted", func() bool {
		code, _ := asBearer(t, s, http.MethodGet, "/api/v1/namespaces/default/configmaps", bound, nil)
		return code == http.StatusUnauthorized
	})
	if code, body := asBearer(t, s, http.MethodGet, "/api/v1/namespaces/default/configmaps", unbound, nil); code != http.StatusOK {
		t.Fatalf("the unbound token stopped working with the pod: HTTP %d %s", code, body)
	}

	framework.Expect(t, s.Do(t, framework.Request{Method: http.MethodDelete, Path: "/api/v1/namespaces/default/serviceaccounts/robot"}),
		http.StatusOK, "delete service account")
	createServiceAccount(t, s, "default", "robot") // same name, new UID
	eventually(t, "the token is refused once its account was recreated", func() bool {
		code, _ := asBearer(t, s, http.MethodGet, "/api/v1/namespaces/default/configmaps", unbound, nil)
		return code == http.StatusUnauthorized
	})
}

func TestIssuerDiscovery(t *testing.T) {
	s := framework.StartTestServer(t)
	createServiceAccount(t, s, "default", "robot")
	tok := token(t, s, "default", "robot", map[string]any{})
	resp := s.Get(t, serviceaccount.OpenIDConfigPath)
	framework.Expect(t, resp, http.StatusOK, serviceaccount.OpenIDConfigPath)
	doc := resp.Object(t)
	wantURI := "https://127.0.0.1:" + itoa(s.Port()) + serviceaccount.JWKSPath
	if doc["issuer"] != serviceaccount.DefaultIssuer || doc["jwks_uri"] != wantURI {
		t.Errorf("discovery = %v, want issuer %s and jwks_uri %s", doc, serviceaccount.DefaultIssuer, wantURI)
	}
	resp = s.Get(t, serviceaccount.JWKSPath)
	framework.Expect(t, resp, http.StatusOK, serviceaccount.JWKSPath)
	var header struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(mustDecode(t, strings.Split(tok, ".")[0]), &header); err != nil {
		t.Fatal(err)
	}
	keys, _ := resp.Object(t)["keys"].([]any)
	if len(keys) != 1 || framework.String(keys[0].(map[string]any), "kid") != header.Kid {
		t.Errorf("jwks keys = %v, want the token's kid %s", keys, header.Kid)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

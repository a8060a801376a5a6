package serviceaccount

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

// testRSA returns one RSA key shared by the tests (generation is slow).
func testRSA(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	rsaOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaKey = k
	})
	return rsaKey
}

func testEC(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newTokens(t *testing.T, key crypto.Signer, now *time.Time, mut func(*Config)) *Tokens {
	t.Helper()
	s, err := NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Signer: s, Now: func() time.Time { return *now }}
	if mut != nil {
		mut(&cfg)
	}
	tk, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func robot() Request {
	return Request{Namespace: "ns", ServiceAccount: Ref{Name: "robot", UID: "sa-uid"}, Lifetime: time.Hour}
}

func decodeSegment(t *testing.T, tok string, i int, into any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatal(err)
	}
}

func TestIssueAndVerifyRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  crypto.Signer
		alg  string
	}{
		{"an RSA key signs RS256", testRSA(t), "RS256"},
		{"a P-256 key signs ES256", testEC(t), "ES256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Unix(1_700_000_000, 0)
			tk := newTokens(t, tc.key, &now, nil)
			req := robot()
			req.Pod = &Ref{Name: "web", UID: "pod-uid"}
			req.Node = &Ref{Name: "n1", UID: "node-uid"}
			tok, exp, err := tk.Issue(req)
			if err != nil {
				t.Fatal(err)
			}
			if !exp.Equal(now.Add(time.Hour)) {
				t.Errorf("expiry = %v, want %v", exp, now.Add(time.Hour))
			}
			var h header
			decodeSegment(t, tok, 0, &h)
			kid, _ := KeyID(tc.key.Public())
			if h.Alg != tc.alg || h.Kid != kid {
				t.Errorf("header = %+v, want alg %s kid %s", h, tc.alg, kid)
			}
			var raw map[string]any
			decodeSegment(t, tok, 1, &raw)
			for _, f := range []string{"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "kubernetes.io"} {
				if _, ok := raw[f]; !ok {
					t.Errorf("claim %q missing: %v", f, raw)
				}
			}
			c, err := tk.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			if c.Issuer != DefaultIssuer || c.Subject != "system:serviceaccount:ns:robot" ||
				len(c.Audience) != 1 || c.Audience[0] != DefaultIssuer {
				t.Errorf("claims = %+v", c)
			}
			k := c.Kubernetes
			if k.Namespace != "ns" || k.ServiceAccount != (Ref{"robot", "sa-uid"}) || *k.Pod != (Ref{"web", "pod-uid"}) || *k.Node != (Ref{"n1", "node-uid"}) {
				t.Errorf("kubernetes.io = %+v", k)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tk := newTokens(t, testRSA(t), &now, nil)
	good, _, err := tk.Issue(robot())
	if err != nil {
		t.Fatal(err)
	}
	other := newTokens(t, testEC(t), &now, nil)
	foreign, _, _ := other.Issue(robot())
	elsewhere := newTokens(t, testRSA(t), &now, func(c *Config) { c.Issuers = []string{"https://other"} })
	otherIssuer, _, _ := elsewhere.Issue(robot())
	forAudience := robot()
	forAudience.Audiences = []string{"vault"}
	vault, _, _ := tk.Issue(forAudience)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + b64([]byte(`{"iss":"`+DefaultIssuer+`","sub":"system:serviceaccount:ns:admin"}`)) + "." + parts[2]

	tests := []struct {
		name    string
		token   string
		advance time.Duration
		want    error
	}{
		{"a string that is no JWT", "not-a-jwt", 0, ErrMalformed},
		{"a token of another issuer", otherIssuer, 0, ErrNotOurs},
		{"a token signed by an unknown key", foreign, 0, ErrSignature},
		{"a token with altered claims", tampered, 0, ErrSignature},
		{"an expired token", good, time.Hour, ErrExpired},
		{"a token for another audience", vault, 0, ErrWrongAudience},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			saved := now
			now = now.Add(tc.advance)
			defer func() { now = saved }()
			if _, err := tk.Verify(tc.token); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestMaxExpirationCapsTheLifetime(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tk := newTokens(t, testRSA(t), &now, func(c *Config) { c.MaxExpiration = 2 * time.Hour })
	req := robot()
	req.Lifetime = 48 * time.Hour
	_, exp, err := tk.Issue(req)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(2 * time.Hour)) {
		t.Errorf("expiry = %v, want capped at 2h", exp)
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	ec := testEC(t)
	ecDER, _ := x509.MarshalECPrivateKey(ec)
	pubDER, _ := x509.MarshalPKIXPublicKey(testRSA(t).Public())
	files := map[string][]byte{
		"rsa.key": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testRSA(t))}),
		"ec.key":  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}),
		"rsa.pub": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}),
		"junk":    []byte("hello"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"rsa.key", "ec.key"} {
		if _, err := LoadPrivateKey(filepath.Join(dir, name)); err != nil {
			t.Errorf("LoadPrivateKey(%s): %v", name, err)
		}
	}
	pubs, err := LoadPublicKeys(filepath.Join(dir, "rsa.pub"), filepath.Join(dir, "ec.key"))
	if err != nil || len(pubs) != 2 {
		t.Fatalf("LoadPublicKeys = %d keys, %v; want 2", len(pubs), err)
	}
	if _, err := LoadPublicKeys(filepath.Join(dir, "junk")); err == nil {
		t.Error("a file without keys was accepted")
	}
	if _, err := LoadPrivateKey(filepath.Join(dir, "rsa.pub")); err == nil {
		t.Error("a public key was accepted as the signing key")
	}
}

func TestLoadOrCreateSigningKeyIsSharedThroughTheDirectory(t *testing.T) {
	dir := t.TempDir()
	first, err := LoadOrCreateSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	second, err := LoadOrCreateSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := KeyID(first.Public())
	b, _ := KeyID(second.Public())
	if a != b {
		t.Fatalf("second load made another key (%s, %s)", a, b)
	}
	st, err := os.Stat(filepath.Join(dir, SigningKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("key file mode %v is readable by others", st.Mode().Perm())
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".sa-key-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestUserName(t *testing.T) {
	ns, name, ok := SplitUserName(UserName("ns", "robot"))
	if !ok || ns != "ns" || name != "robot" {
		t.Errorf("SplitUserName(UserName) = %q %q %v", ns, name, ok)
	}
	for _, bad := range []string{"alice", "system:serviceaccount:ns", "system:serviceaccount::x", "system:serviceaccount:a:b:c"} {
		if _, _, ok := SplitUserName(bad); ok {
			t.Errorf("SplitUserName(%q) accepted", bad)
		}
	}
}

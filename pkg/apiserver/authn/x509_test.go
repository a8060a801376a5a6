package authn

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"keel.dev/keel/internal/pki"
)

func tlsCert(t *testing.T, kp *pki.KeyPair) tls.Certificate {
	t.Helper()
	keyPEM, err := kp.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	c, err := tls.X509KeyPair(kp.CertPEM(), keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestX509OverTLS runs a TLS server that requests client certificates and
// checks who the authenticator finds for several clients.
func TestX509OverTLS(t *testing.T) {
	ca, err := pki.NewCA("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	other, err := pki.NewCA("other-ca")
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	auth := NewX509(roots)

	type result struct {
		user *UserInfo
		ok   bool
		err  error
	}
	results := make(chan result, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok, err := auth.AuthenticateRequest(r)
		results <- result{u, ok, err}
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	defer srv.Close()
	base := srv.Client().Transport.(*http.Transport)

	issue := func(issuer *pki.KeyPair, cn string, client bool) *tls.Certificate {
		kp, err := issuer.Issue(pki.Request{CommonName: cn, Organizations: []string{"system:masters", "dev"}, Client: client, Server: !client})
		if err != nil {
			t.Fatal(err)
		}
		c := tlsCert(t, kp)
		return &c
	}
	cases := []struct {
		name   string
		cert   *tls.Certificate
		wantOK bool
		errors bool
	}{
		{"a client certificate from the CA authenticates as its CN and O", issue(ca, "alice", true), true, false},
		{"no client certificate is no opinion", nil, false, false},
		{"a certificate from another CA is rejected", issue(other, "mallory", true), false, true},
		{"a certificate without client auth usage is rejected", issue(ca, "server", false), false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := base.Clone()
			if c.cert != nil {
				tr.TLSClientConfig.Certificates = []tls.Certificate{*c.cert}
			}
			client := &http.Client{Transport: tr}
			defer tr.CloseIdleConnections()
			resp, err := client.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := <-results
			if got.ok != c.wantOK || (got.err != nil) != c.errors {
				t.Fatalf("ok=%v err=%v", got.ok, got.err)
			}
			if c.wantOK && (got.user.Name != "alice" || !got.user.InGroup("system:masters") || !got.user.InGroup("dev")) {
				t.Errorf("user = %+v", got.user)
			}
		})
	}
}

// peerRequest is a request as the TLS server hands it over with certs as
// the client's chain.
func peerRequest(certs ...*x509.Certificate) *http.Request {
	r := httptest.NewRequest("GET", "https://apiserver/api", nil)
	r.TLS = &tls.ConnectionState{PeerCertificates: certs}
	return r
}

func TestX509RemembersVerifiedChains(t *testing.T) {
	ca, err := pki.NewCA("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	other, err := pki.NewCA("other-ca")
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	alice, err := ca.Issue(pki.Request{CommonName: "alice", Organizations: []string{"dev"}, Client: true, Validity: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := ca.Issue(pki.Request{CommonName: "bob", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	mallory, err := other.Issue(pki.Request{CommonName: "mallory", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	auth := NewX509(roots)
	auth.now = func() time.Time { return now }

	steps := []struct {
		name      string
		advance   time.Duration
		cert      *x509.Certificate
		wantUser  string // "" expects an error
		wantTotal int64  // verifications so far
	}{
		{"the first request verifies the chain", 0, alice.Cert, "alice", 1},
		{"the same certificate again is answered from memory", time.Second, alice.Cert, "alice", 1},
		{"another certificate is verified on its own", 0, bob.Cert, "bob", 2},
		{"a rejected certificate is rejected", 0, mallory.Cert, "", 3},
		{"and checked again next time, never remembered", 0, mallory.Cert, "", 4},
		{"after the cache lifetime the chain is verified again", x509CacheTTL, alice.Cert, "alice", 5},
		{"a certificate past its NotAfter is rejected, remembered or not", time.Hour, alice.Cert, "", 6},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			now = now.Add(s.advance)
			u, ok, err := auth.AuthenticateRequest(peerRequest(s.cert))
			if s.wantUser == "" {
				if ok || err == nil {
					t.Errorf("ok=%v err=%v, want a rejection", ok, err)
				}
			} else if !ok || err != nil || u.Name != s.wantUser {
				t.Errorf("user=%+v ok=%v err=%v, want %s", u, ok, err, s.wantUser)
			}
			if got := auth.verifications.Load(); got != s.wantTotal {
				t.Errorf("%d verifications, want %d", got, s.wantTotal)
			}
		})
	}

	u, _, _ := auth.AuthenticateRequest(peerRequest(bob.Cert))
	u.Groups = append(u.Groups, "system:masters")
	if u2, _, _ := auth.AuthenticateRequest(peerRequest(bob.Cert)); len(u2.Groups) != 0 {
		t.Errorf("a caller's change to a remembered user leaked into the next answer: %v", u2.Groups)
	}
}

func BenchmarkX509SameClient(b *testing.B) {
	ca, err := pki.NewCA("test-ca")
	if err != nil {
		b.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	kp, err := ca.Issue(pki.Request{CommonName: "kubelet", Organizations: []string{"system:nodes"}, Client: true})
	if err != nil {
		b.Fatal(err)
	}
	auth := NewX509(roots)
	r := peerRequest(kp.Cert)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := auth.AuthenticateRequest(r); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

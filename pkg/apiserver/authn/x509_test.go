package authn

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"

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

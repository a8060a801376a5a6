package rest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// selfSigned returns a PEM certificate and key for cn, usable as client certificate.
func selfSigned(t *testing.T, cn string) (certPEM, keyPEM []byte, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), cert
}

func TestClientCertificatesAuthenticate(t *testing.T) {
	certPEM, keyPEM, cert := selfSigned(t, "alice")
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	var who string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) > 0 {
			who = r.TLS.PeerCertificates[0].Subject.CommonName
		}
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	dir := t.TempDir()
	certFile, keyFile, caFile := filepath.Join(dir, "c"), filepath.Join(dir, "k"), filepath.Join(dir, "ca")
	for p, b := range map[string][]byte{certFile: certPEM, keyFile: keyPEM, caFile: ca} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		tls  TLSConfig
	}{
		{"inline certificate data", TLSConfig{CAData: ca, CertData: certPEM, KeyData: keyPEM}},
		{"certificate files", TLSConfig{CAFile: caFile, CertFile: certFile, KeyFile: keyFile}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			who = ""
			c, err := New(&Config{Host: srv.URL, TLS: tc.tls, QPS: -1})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Get().AbsPath("/").Do(context.Background()).Error(); err != nil {
				t.Fatal(err)
			}
			if who != "alice" {
				t.Errorf("server saw client %q", who)
			}
		})
	}
	t.Run("an untrusted server is refused", func(t *testing.T) {
		c, err := New(&Config{Host: srv.URL, TLS: TLSConfig{CertData: certPEM, KeyData: keyPEM}, QPS: -1, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Get().AbsPath("/").Do(context.Background()).Error(); err == nil {
			t.Error("a server with an unknown CA was accepted")
		}
	})
}

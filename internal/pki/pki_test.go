package pki

import (
	"crypto/x509"
	"net"
	"path/filepath"
	"testing"
)

func TestIssuedCertificatesVerifyAgainstTheCA(t *testing.T) {
	ca, err := NewCA("keel-ca")
	if err != nil {
		t.Fatal(err)
	}
	server, err := ca.Issue(Request{CommonName: "apiserver", DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}, Server: true})
	if err != nil {
		t.Fatal(err)
	}
	client, err := ca.Issue(Request{CommonName: "admin", Organizations: []string{"system:masters"}, Client: true})
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	if _, err := server.Cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost", KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Errorf("server certificate does not verify for localhost: %v", err)
	}
	if err := server.Cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Errorf("server certificate lacks its IP SAN: %v", err)
	}
	if _, err := client.Cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("client certificate does not verify: %v", err)
	}
	if _, err := client.Cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err == nil {
		t.Error("client certificate verifies for server auth")
	}
	if client.Cert.Subject.CommonName != "admin" || client.Cert.Subject.Organization[0] != "system:masters" {
		t.Errorf("client subject = %v", client.Cert.Subject)
	}
}

func TestLoadOrCreateCAKeepsTheFirstCA(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	first, err := LoadOrCreateCA(cert, key, "keel-ca")
	if err != nil {
		t.Fatal(err)
	}
	second, err := LoadOrCreateCA(cert, key, "keel-ca")
	if err != nil {
		t.Fatal(err)
	}
	if !first.Cert.Equal(second.Cert) {
		t.Fatal("a second call made a new CA instead of loading the first")
	}
	if _, err := second.Issue(Request{CommonName: "x", Client: true}); err != nil {
		t.Fatalf("loaded CA cannot issue: %v", err)
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	if _, err := Parse([]byte("nope"), []byte("nope")); err == nil {
		t.Fatal("garbage parsed")
	}
}

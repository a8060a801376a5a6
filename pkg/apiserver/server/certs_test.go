package server

import (
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"sigs.k8s.io/yaml"

	"keel.dev/keel/internal/pki"
)

func TestEnsureCertificatesGeneratesAndReuses(t *testing.T) {
	dir := t.TempDir()
	cfg := CertConfig{Dir: dir, AdvertiseAddress: "192.0.2.10", ServiceIP: net.ParseIP("10.96.0.1")}
	first, err := EnsureCertificates(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{CACertFile, CAKeyFile, ServingCertFile, ServingKeyFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	cert := first.Serving.Cert
	for _, d := range []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"} {
		if !slices.Contains(cert.DNSNames, d) {
			t.Errorf("no DNS SAN %s in %v", d, cert.DNSNames)
		}
	}
	for _, ip := range []string{"127.0.0.1", "192.0.2.10", "10.96.0.1"} {
		if !slices.ContainsFunc(cert.IPAddresses, net.ParseIP(ip).Equal) {
			t.Errorf("no IP SAN %s in %v", ip, cert.IPAddresses)
		}
	}
	roots := x509.NewCertPool()
	roots.AddCert(first.CA.Cert)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, DNSName: "kubernetes.default.svc"}); err != nil {
		t.Errorf("serving certificate does not verify: %v", err)
	}

	again, err := EnsureCertificates(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again.Serving.Cert.SerialNumber.Cmp(cert.SerialNumber) != 0 || again.CA.Cert.SerialNumber.Cmp(first.CA.Cert.SerialNumber) != 0 {
		t.Error("a second start reissued certificates that were still good")
	}

	cfg.AdvertiseAddress = "192.0.2.99"
	moved, err := EnsureCertificates(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Serving.Cert.SerialNumber.Cmp(cert.SerialNumber) == 0 || !slices.ContainsFunc(moved.Serving.Cert.IPAddresses, net.ParseIP("192.0.2.99").Equal) {
		t.Error("a new advertise address did not reissue the serving certificate")
	}
	if moved.CA.Cert.SerialNumber.Cmp(first.CA.Cert.SerialNumber) != 0 {
		t.Error("the CA was replaced")
	}
}

func TestEnsureCertificatesUsesGivenFiles(t *testing.T) {
	dir := t.TempDir()
	ca, err := pki.NewCA("given")
	if err != nil {
		t.Fatal(err)
	}
	kp, err := ca.Issue(pki.Request{CommonName: "x", DNSNames: []string{"x"}, Server: true})
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := kp.Write(certFile, keyFile); err != nil {
		t.Fatal(err)
	}
	got, err := EnsureCertificates(CertConfig{CertFile: certFile, KeyFile: keyFile, Dir: filepath.Join(dir, "unused")})
	if err != nil {
		t.Fatal(err)
	}
	if got.CA != nil || got.Serving.Cert.SerialNumber.Cmp(kp.Cert.SerialNumber) != 0 {
		t.Errorf("got %+v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "unused")); !os.IsNotExist(err) {
		t.Error("certificates were generated although files were given")
	}
}

func TestWriteAdminKubeconfig(t *testing.T) {
	ca, err := pki.NewCA("ca")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := IssueAdminClientCert(ca)
	if err != nil {
		t.Fatal(err)
	}
	if admin.Cert.Subject.CommonName != "kubernetes-admin" || !slices.Equal(admin.Cert.Subject.Organization, []string{"system:masters"}) {
		t.Fatalf("admin subject %v", admin.Cert.Subject)
	}
	path := filepath.Join(t.TempDir(), "sub", "kubeconfig")
	if err := WriteAdminKubeconfig(path, "https://127.0.0.1:6443", ca.CertPEM(), admin); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	data, _ := os.ReadFile(path)
	var cfg kubeconfig
	if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Kind != "Config" || cfg.CurrentContext != KubeconfigContext || cfg.Clusters[0].Cluster.Server != "https://127.0.0.1:6443" ||
		cfg.Users[0].User.ClientKeyData == "" || cfg.Contexts[0].Context.User != KubeconfigUser {
		t.Errorf("kubeconfig\n%s", data)
	}
}

func TestFirstServiceIP(t *testing.T) {
	cases := []struct{ cidr, want string }{
		{"10.96.0.0/12", "10.96.0.1"},
		{"10.0.0.255/24", "10.0.0.1"},
		{"fd00::/108", "fd00::1"},
	}
	for _, c := range cases {
		t.Run(c.cidr, func(t *testing.T) {
			ip, err := FirstServiceIP(c.cidr)
			if err != nil || ip.String() != c.want {
				t.Fatalf("%v %v", ip, err)
			}
		})
	}
	if _, err := FirstServiceIP("10.0.0.1/32"); err == nil {
		t.Error("a /32 has no usable first address but no error was returned")
	}
}

func TestClientCAs(t *testing.T) {
	certs, err := EnsureCertificates(CertConfig{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := ClientCAs("", certs)
	if err != nil || pool == nil {
		t.Fatalf("%v %v", pool, err)
	}
	admin, err := IssueAdminClientCert(certs.CA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("the admin certificate does not verify against the default client CAs: %v", err)
	}
	if pool, err := ClientCAs("", &Certificates{}); pool != nil || err != nil {
		t.Errorf("given serving certificate without client CA: %v %v", pool, err)
	}
	if _, err := ClientCAs(filepath.Join(t.TempDir(), "missing.crt"), certs); err == nil {
		t.Error("a missing client CA file gave no error")
	}
}

// Command kubeconfig-gen writes one kubeconfig per component of a local
// cluster, each with a client certificate signed by the apiserver's CA:
//
//	kubeconfig-gen -ca-dir PKI -server URL -dir OUT NAME=CN[/GROUP,GROUP...]...
//
// writes OUT/NAME.kubeconfig for every argument (the certificate's CN is the
// user name, its O the groups). An existing kubeconfig is kept when its
// certificate was signed by the same CA, carries the same subject and has
// more than 30 days left, so restarting a cluster reuses its credentials.
package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"keel.dev/client/kubeconfig"
	"keel.dev/keel/internal/pki"
)

// minRemaining is how long a reused certificate must still be valid.
const minRemaining = 30 * 24 * time.Hour

func main() {
	caDir := flag.String("ca-dir", "", "directory holding the CA as ca.crt and ca.key")
	server := flag.String("server", "https://127.0.0.1:6443", "apiserver URL written into every kubeconfig")
	dir := flag.String("dir", "", "output directory of NAME.kubeconfig files")
	flag.Parse()
	if *caDir == "" || *dir == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: kubeconfig-gen -ca-dir PKI -server URL -dir OUT NAME=CN[/GROUP,...]...")
		os.Exit(2)
	}
	if err := run(*caDir, *server, *dir, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "kubeconfig-gen:", err)
		os.Exit(1)
	}
}

// spec is one kubeconfig to write.
type spec struct {
	name, cn string
	groups   []string
}

func parseSpec(arg string) (spec, error) {
	name, subject, ok := strings.Cut(arg, "=")
	if !ok || name == "" || subject == "" {
		return spec{}, fmt.Errorf("argument %q: want NAME=CN[/GROUP,...]", arg)
	}
	cn, groups, _ := strings.Cut(subject, "/")
	s := spec{name: name, cn: cn}
	if groups != "" {
		s.groups = strings.Split(groups, ",")
	}
	return s, nil
}

func run(caDir, server, dir string, args []string) error {
	ca, err := pki.Load(filepath.Join(caDir, "ca.crt"), filepath.Join(caDir, "ca.key"))
	if err != nil {
		return fmt.Errorf("load CA from %s: %w", caDir, err)
	}
	for _, arg := range args {
		s, err := parseSpec(arg)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, s.name+".kubeconfig")
		if reusable(path, server, ca.Cert, s) {
			continue
		}
		kp, err := ca.Issue(pki.Request{CommonName: s.cn, Organizations: s.groups, Client: true})
		if err != nil {
			return err
		}
		keyPEM, err := kp.KeyPEM()
		if err != nil {
			return err
		}
		cfg := kubeconfig.NewSingle("keel-local", server, ca.CertPEM(), kubeconfig.AuthInfo{
			ClientCertificateData: kp.CertPEM(), ClientKeyData: keyPEM,
		})
		if err := kubeconfig.WriteFile(path, cfg); err != nil {
			return err
		}
		fmt.Printf("wrote %s (CN=%s O=%s)\n", path, s.cn, strings.Join(s.groups, ","))
	}
	return nil
}

// reusable reports whether the kubeconfig at path already fits s.
func reusable(path, server string, ca *x509.Certificate, s spec) bool {
	cfg, err := kubeconfig.LoadFile(path)
	if err != nil {
		return false
	}
	cl, ok := cfg.Cluster("keel-local")
	if !ok || cl.Server != server {
		return false
	}
	user, ok := cfg.AuthInfo("keel-local")
	if !ok {
		return false
	}
	cert, err := parseCert(user.ClientCertificateData)
	if err != nil {
		return false
	}
	return cert.CheckSignatureFrom(ca) == nil &&
		cert.Subject.CommonName == s.cn &&
		slices.Equal(cert.Subject.Organization, s.groups) &&
		time.Until(cert.NotAfter) > minRemaining
}

func parseCert(data []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(data)
	if b == nil {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(b.Bytes)
}

package server

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"

	"keel.dev/keel/internal/pki"
)

// The file names of the generated certificates in the certificate directory.
const (
	CACertFile      = "ca.crt"
	CAKeyFile       = "ca.key"
	ServingCertFile = "apiserver.crt"
	ServingKeyFile  = "apiserver.key"
)

// CertConfig says where the serving certificate comes from.
type CertConfig struct {
	// CertFile and KeyFile name a given serving certificate; when empty one
	// is generated into Dir, signed by a CA generated there too.
	CertFile, KeyFile string
	// Dir holds the generated CA and serving certificate.
	Dir string
	// AdvertiseAddress, ServiceIP (the first address of the Service range)
	// and ExtraSANs (IPs or DNS names) are added to the generated serving
	// certificate's SANs.
	AdvertiseAddress string
	ServiceIP        net.IP
	ExtraSANs        []string
}

// Certificates are the apiserver's TLS material.
type Certificates struct {
	// Serving is the server's certificate and key.
	Serving *pki.KeyPair
	// CA signed the generated serving certificate; nil when the serving
	// certificate was given. It is the default client CA.
	CA *pki.KeyPair
}

// ServingSANs returns the names a generated serving certificate carries:
// localhost, 127.0.0.1, the host name, the kubernetes Service names, the
// advertise address, the first Service IP and the extras.
func ServingSANs(cfg CertConfig) (dns []string, ips []net.IP) {
	dns = []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}
	if h, err := os.Hostname(); err == nil && h != "" {
		dns = append(dns, h)
	}
	ips = []net.IP{net.ParseIP("127.0.0.1")}
	add := func(s string) {
		if ip := net.ParseIP(s); ip != nil {
			if !slices.ContainsFunc(ips, ip.Equal) {
				ips = append(ips, ip)
			}
			return
		}
		if s != "" && !slices.Contains(dns, s) {
			dns = append(dns, s)
		}
	}
	add(cfg.AdvertiseAddress)
	if cfg.ServiceIP != nil {
		add(cfg.ServiceIP.String())
	}
	for _, s := range cfg.ExtraSANs {
		add(s)
	}
	return dns, ips
}

// EnsureCertificates loads the given serving certificate, or loads (creating
// on first start) the CA and serving certificate in cfg.Dir. A generated
// serving certificate that lacks a wanted SAN, or does not verify against
// the CA, is reissued.
func EnsureCertificates(cfg CertConfig) (*Certificates, error) {
	if cfg.CertFile != "" {
		kp, err := pki.Load(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load serving certificate %s: %w", cfg.CertFile, err)
		}
		return &Certificates{Serving: kp}, nil
	}
	if cfg.Dir == "" {
		return nil, errors.New("no serving certificate given and no certificate directory")
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("certificate directory: %w", err)
	}
	ca, err := pki.LoadOrCreateCA(filepath.Join(cfg.Dir, CACertFile), filepath.Join(cfg.Dir, CAKeyFile), "keel-ca")
	if err != nil {
		return nil, err
	}
	dns, ips := ServingSANs(cfg)
	certPath, keyPath := filepath.Join(cfg.Dir, ServingCertFile), filepath.Join(cfg.Dir, ServingKeyFile)
	kp, err := pki.Load(certPath, keyPath)
	if err == nil && covers(kp.Cert, ca.Cert, dns, ips) {
		return &Certificates{Serving: kp, CA: ca}, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("load serving certificate %s: %w", certPath, err)
	}
	kp, err = ca.Issue(pki.Request{CommonName: "kube-apiserver", DNSNames: dns, IPs: ips, Server: true})
	if err != nil {
		return nil, err
	}
	if err := kp.Write(certPath, keyPath); err != nil {
		return nil, err
	}
	return &Certificates{Serving: kp, CA: ca}, nil
}

// covers reports whether cert is signed by ca and names every SAN.
func covers(cert, ca *x509.Certificate, dns []string, ips []net.IP) bool {
	if cert.CheckSignatureFrom(ca) != nil {
		return false
	}
	for _, d := range dns {
		if !slices.Contains(cert.DNSNames, d) {
			return false
		}
	}
	for _, ip := range ips {
		if !slices.ContainsFunc(cert.IPAddresses, ip.Equal) {
			return false
		}
	}
	return true
}

// IssueAdminClientCert signs a client certificate for the cluster admin:
// CN kubernetes-admin in group system:masters.
func IssueAdminClientCert(ca *pki.KeyPair) (*pki.KeyPair, error) {
	return ca.Issue(pki.Request{CommonName: "kubernetes-admin", Organizations: []string{"system:masters"}, Client: true})
}

// LoadCertPool reads a PEM bundle of CA certificates.
func LoadCertPool(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("CA bundle %s holds no PEM certificate", path)
	}
	return pool, nil
}

// ClientCAs returns the pool that verifies client certificates: the bundle
// in clientCAFile when given, else the generated CA, else nil (no client
// certificate authentication).
func ClientCAs(clientCAFile string, certs *Certificates) (*x509.CertPool, error) {
	if clientCAFile != "" {
		return LoadCertPool(clientCAFile)
	}
	if certs == nil || certs.CA == nil {
		return nil, nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(certs.CA.Cert)
	return pool, nil
}

// FirstServiceIP returns the first usable address of the Service CIDR (the
// kubernetes Service's ClusterIP, 10.96.0.1 for 10.96.0.0/12).
func FirstServiceIP(cidr string) (net.IP, error) {
	_, ipnet, err := net.ParseCIDR(cidr)
	if err != nil {
		return nil, fmt.Errorf("service CIDR: %w", err)
	}
	ip := slices.Clone(ipnet.IP)
	for i := len(ip) - 1; i >= 0; i-- {
		ip[i]++
		if ip[i] != 0 {
			break
		}
	}
	if !ipnet.Contains(ip) {
		return nil, fmt.Errorf("service CIDR %s has no usable address", cidr)
	}
	return ip, nil
}

package server

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"

	"keel.dev/keel/internal/pki"
)

// kubeconfig is the subset of clientcmd's v1 Config that Keel writes.
type kubeconfig struct {
	APIVersion     string         `json:"apiVersion"`
	Kind           string         `json:"kind"`
	Clusters       []namedCluster `json:"clusters"`
	Users          []namedUser    `json:"users"`
	Contexts       []namedContext `json:"contexts"`
	CurrentContext string         `json:"current-context"`
	Preferences    struct{}       `json:"preferences"`
}

type namedCluster struct {
	Name    string `json:"name"`
	Cluster struct {
		Server                   string `json:"server"`
		CertificateAuthorityData string `json:"certificate-authority-data,omitempty"`
	} `json:"cluster"`
}

type namedUser struct {
	Name string `json:"name"`
	User struct {
		ClientCertificateData string `json:"client-certificate-data,omitempty"`
		ClientKeyData         string `json:"client-key-data,omitempty"`
		Token                 string `json:"token,omitempty"`
	} `json:"user"`
}

type namedContext struct {
	Name    string `json:"name"`
	Context struct {
		Cluster string `json:"cluster"`
		User    string `json:"user"`
	} `json:"context"`
}

// The names in the admin kubeconfig.
const (
	KubeconfigCluster = "keel"
	KubeconfigUser    = "kubernetes-admin"
	KubeconfigContext = "kubernetes-admin@keel"
)

// WriteAdminKubeconfig writes a kubeconfig for serverURL that trusts the CA
// certificate caPEM and authenticates with client, with every certificate
// embedded as base64 data. The file is written with mode 0600, atomically.
func WriteAdminKubeconfig(path, serverURL string, caPEM []byte, client *pki.KeyPair) error {
	keyPEM, err := client.KeyPEM()
	if err != nil {
		return err
	}
	cfg := kubeconfig{APIVersion: "v1", Kind: "Config", CurrentContext: KubeconfigContext}
	c := namedCluster{Name: KubeconfigCluster}
	c.Cluster.Server = serverURL
	c.Cluster.CertificateAuthorityData = base64.StdEncoding.EncodeToString(caPEM)
	u := namedUser{Name: KubeconfigUser}
	u.User.ClientCertificateData = base64.StdEncoding.EncodeToString(client.CertPEM())
	u.User.ClientKeyData = base64.StdEncoding.EncodeToString(keyPEM)
	x := namedContext{Name: KubeconfigContext}
	x.Context.Cluster, x.Context.User = KubeconfigCluster, KubeconfigUser
	cfg.Clusters, cfg.Users, cfg.Contexts = []namedCluster{c}, []namedUser{u}, []namedContext{x}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("encode kubeconfig: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kubeconfig-*")
	if err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

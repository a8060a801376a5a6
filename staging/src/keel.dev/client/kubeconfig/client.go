package kubeconfig

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"keel.dev/client/rest"
)

// ErrEmptyConfig is returned when no kubeconfig names a usable cluster.
var ErrEmptyConfig = errors.New("no configuration has been provided, try setting KUBECONFIG")

// Overrides replace parts of the selected context (kubectl's --context,
// --cluster, --user, --namespace, --server flags).
type Overrides struct {
	Context   string
	Cluster   string
	AuthInfo  string
	Namespace string
	Server    string
}

// resolved is the cluster, user and namespace a context selects.
type resolved struct {
	cluster   Cluster
	user      AuthInfo
	namespace string
}

func (c *Config) resolve(o Overrides) (resolved, error) {
	name := o.Context
	if name == "" {
		name = c.CurrentContext
	}
	var r resolved
	var ctx Context
	if name != "" {
		p, ok := c.Context(name)
		if !ok {
			return r, fmt.Errorf("context %q does not exist", name)
		}
		ctx = *p
	}
	if o.Cluster != "" {
		ctx.Cluster = o.Cluster
	}
	if o.AuthInfo != "" {
		ctx.AuthInfo = o.AuthInfo
	}
	if ctx.Cluster != "" {
		cl, ok := c.Cluster(ctx.Cluster)
		if !ok {
			return r, fmt.Errorf("cluster %q does not exist", ctx.Cluster)
		}
		r.cluster = *cl
	}
	if ctx.AuthInfo != "" {
		if u, ok := c.AuthInfo(ctx.AuthInfo); ok {
			r.user = *u
		}
	}
	if o.Server != "" {
		r.cluster.Server = o.Server
	}
	r.namespace = ctx.Namespace
	if o.Namespace != "" {
		r.namespace = o.Namespace
	}
	if r.namespace == "" {
		r.namespace = "default"
	}
	if r.cluster.Server == "" {
		return r, ErrEmptyConfig
	}
	return r, nil
}

// RESTConfig returns the rest.Config of the selected context.
func (c *Config) RESTConfig(o Overrides) (*rest.Config, error) {
	r, err := c.resolve(o)
	if err != nil {
		return nil, err
	}
	cfg := &rest.Config{
		Host: r.cluster.Server,
		TLS: rest.TLSConfig{
			Insecure:   r.cluster.InsecureSkipTLSVerify,
			ServerName: r.cluster.TLSServerName,
			CAFile:     r.cluster.CertificateAuthority,
			CAData:     r.cluster.CertificateAuthorityData,
			CertFile:   r.user.ClientCertificate,
			CertData:   r.user.ClientCertificateData,
			KeyFile:    r.user.ClientKey,
			KeyData:    r.user.ClientKeyData,
		},
		BearerToken:     r.user.Token,
		BearerTokenFile: r.user.TokenFile,
		Username:        r.user.Username,
		Password:        r.user.Password,
		Impersonate:     r.user.Impersonate,
	}
	// Data wins over a file path, as in Kubernetes.
	if len(cfg.TLS.CAData) > 0 {
		cfg.TLS.CAFile = ""
	}
	if len(cfg.TLS.CertData) > 0 {
		cfg.TLS.CertFile = ""
	}
	if len(cfg.TLS.KeyData) > 0 {
		cfg.TLS.KeyFile = ""
	}
	if cfg.BearerToken != "" {
		cfg.BearerTokenFile = ""
	}
	return cfg, nil
}

// Namespace returns the namespace of the selected context ("default" when unset).
func (c *Config) Namespace(o Overrides) string {
	r, _ := c.resolve(o)
	if r.namespace == "" {
		return "default"
	}
	return r.namespace
}

// The service-account mount of a pod.
const (
	ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"
)

// ErrNotInCluster is returned by InCluster outside a pod.
var ErrNotInCluster = errors.New("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")

// InCluster returns the config of a pod: the apiserver from
// KUBERNETES_SERVICE_HOST/PORT, the service-account token (re-read on every
// request, as it rotates) and CA from the service-account mount.
func InCluster() (*rest.Config, error) { return inCluster(ServiceAccountDir, os.Getenv) }

func inCluster(dir string, getenv func(string) string) (*rest.Config, error) {
	host, port := getenv("KUBERNETES_SERVICE_HOST"), getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, ErrNotInCluster
	}
	tokenFile := filepath.Join(dir, "token")
	if _, err := os.Stat(tokenFile); err != nil {
		return nil, fmt.Errorf("in-cluster token: %w", err)
	}
	cfg := &rest.Config{Host: "https://" + net.JoinHostPort(host, port), BearerTokenFile: tokenFile}
	caFile := filepath.Join(dir, "ca.crt")
	if _, err := os.Stat(caFile); err == nil {
		cfg.TLS.CAFile = caFile
	}
	return cfg, nil
}

// InClusterNamespace returns the pod's namespace from the mount, or "default".
func InClusterNamespace() string { return inClusterNamespace(ServiceAccountDir) }

func inClusterNamespace(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "namespace"))
	if ns := strings.TrimSpace(string(b)); err == nil && ns != "" {
		return ns
	}
	return "default"
}

// BuildConfig returns the config of an explicit kubeconfig path, else of
// KUBECONFIG / ~/.kube/config, else the in-cluster config.
func BuildConfig(explicitPath string, o Overrides) (*rest.Config, error) {
	rules := DefaultLoadingRules()
	rules.ExplicitPath = explicitPath
	c, err := rules.Load()
	if err != nil {
		return nil, err
	}
	cfg, err := c.RESTConfig(o)
	if errors.Is(err, ErrEmptyConfig) && explicitPath == "" {
		if ic, icErr := InCluster(); icErr == nil {
			return ic, nil
		}
	}
	return cfg, err
}

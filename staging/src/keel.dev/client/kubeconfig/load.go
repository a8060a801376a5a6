package kubeconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// RecommendedHomeFile is ~/.kube/config relative to the home directory.
const RecommendedHomeFile = ".kube/config"

// Load parses a kubeconfig (YAML or JSON).
func Load(data []byte) (*Config, error) {
	c := &Config{}
	if len(strings.TrimSpace(string(data))) == 0 {
		return c, nil
	}
	if err := yaml.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("parse kubeconfig: %w", err)
	}
	return c, nil
}

// LoadFile reads a kubeconfig and resolves its relative file paths against
// the file's directory.
func LoadFile(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read kubeconfig: %w", err)
	}
	c, err := Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	resolvePaths(c, filepath.Dir(path))
	return c, nil
}

func resolvePaths(c *Config, dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range c.Clusters {
		abs(&c.Clusters[i].Cluster.CertificateAuthority)
	}
	for i := range c.AuthInfos {
		a := &c.AuthInfos[i].AuthInfo
		abs(&a.ClientCertificate)
		abs(&a.ClientKey)
		abs(&a.TokenFile)
	}
}

// Merge merges configs in precedence order: the first config naming a
// cluster, user or context wins, and the first non-empty current-context wins.
func Merge(cfgs ...*Config) *Config {
	out := &Config{Kind: "Config", APIVersion: "v1"}
	seenCl, seenAu, seenCtx := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range cfgs {
		if c == nil {
			continue
		}
		if out.CurrentContext == "" {
			out.CurrentContext = c.CurrentContext
		}
		for _, x := range c.Clusters {
			if !seenCl[x.Name] {
				seenCl[x.Name] = true
				out.Clusters = append(out.Clusters, x)
			}
		}
		for _, x := range c.AuthInfos {
			if !seenAu[x.Name] {
				seenAu[x.Name] = true
				out.AuthInfos = append(out.AuthInfos, x)
			}
		}
		for _, x := range c.Contexts {
			if !seenCtx[x.Name] {
				seenCtx[x.Name] = true
				out.Contexts = append(out.Contexts, x)
			}
		}
	}
	return out
}

// LoadingRules say which files make up the kubeconfig.
type LoadingRules struct {
	// ExplicitPath, when set (--kubeconfig), is the only file and must exist.
	ExplicitPath string
	// Precedence are the files merged in order; missing ones are skipped.
	Precedence []string
}

// DefaultLoadingRules reads KUBECONFIG (a list separated by the OS path
// list separator) or, when it is empty, ~/.kube/config.
func DefaultLoadingRules() *LoadingRules {
	return loadingRules(os.Getenv, os.UserHomeDir)
}

func loadingRules(getenv func(string) string, home func() (string, error)) *LoadingRules {
	r := &LoadingRules{}
	if env := getenv("KUBECONFIG"); env != "" {
		seen := map[string]bool{}
		for _, p := range filepath.SplitList(env) {
			if p != "" && !seen[p] {
				seen[p] = true
				r.Precedence = append(r.Precedence, p)
			}
		}
		return r
	}
	if h, err := home(); err == nil {
		r.Precedence = []string{filepath.Join(h, RecommendedHomeFile)}
	}
	return r
}

// Load reads and merges the files of the rules.
func (r *LoadingRules) Load() (*Config, error) {
	if r.ExplicitPath != "" {
		c, err := LoadFile(r.ExplicitPath)
		if err != nil {
			return nil, err
		}
		return Merge(c), nil
	}
	var cfgs []*Config
	for _, p := range r.Precedence {
		c, err := LoadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		cfgs = append(cfgs, c)
	}
	return Merge(cfgs...), nil
}

// Marshal renders c as YAML.
func (c *Config) Marshal() ([]byte, error) {
	out := *c
	if out.Kind == "" {
		out.Kind = "Config"
	}
	if out.APIVersion == "" {
		out.APIVersion = "v1"
	}
	if out.Preferences == nil {
		out.Preferences = map[string]any{}
	}
	return yaml.Marshal(&out)
}

// WriteFile writes c to path with mode 0600, creating parent directories.
func WriteFile(path string, c *Config) error {
	data, err := c.Marshal()
	if err != nil {
		return fmt.Errorf("marshal kubeconfig: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

// NewSingle returns a config with one cluster, user and context, all named
// name, as written for a local cluster's admin.
func NewSingle(name, server string, caData []byte, user AuthInfo) *Config {
	c := &Config{Kind: "Config", APIVersion: "v1", CurrentContext: name}
	c.SetCluster(name, Cluster{Server: server, CertificateAuthorityData: caData})
	c.SetAuthInfo(name, user)
	c.SetContext(name, Context{Cluster: name, AuthInfo: name})
	return c
}

package kubeconfig

// Config is a kubeconfig file (apiVersion v1, kind Config).
type Config struct {
	// Kind is "Config".
	Kind string `json:"kind,omitempty"`
	// APIVersion is "v1".
	APIVersion string `json:"apiVersion,omitempty"`
	// Preferences is kept for compatibility and unused.
	Preferences map[string]any `json:"preferences"`
	// Clusters are the named API servers.
	Clusters []NamedCluster `json:"clusters"`
	// AuthInfos are the named users.
	AuthInfos []NamedAuthInfo `json:"users"`
	// Contexts pair a cluster, a user and a namespace.
	Contexts []NamedContext `json:"contexts"`
	// CurrentContext is the context used by default.
	CurrentContext string `json:"current-context"`
	// Extensions are kept verbatim.
	Extensions []map[string]any `json:"extensions,omitempty"`
}

// NamedCluster is a cluster with its name.
type NamedCluster struct {
	Name    string  `json:"name"`
	Cluster Cluster `json:"cluster"`
}

// Cluster says how to reach an apiserver.
type Cluster struct {
	// Server is the apiserver URL.
	Server string `json:"server"`
	// TLSServerName overrides the name checked in the server certificate.
	TLSServerName string `json:"tls-server-name,omitempty"`
	// InsecureSkipTLSVerify skips server certificate verification.
	InsecureSkipTLSVerify bool `json:"insecure-skip-tls-verify,omitempty"`
	// CertificateAuthority is the path of the CA bundle.
	CertificateAuthority string `json:"certificate-authority,omitempty"`
	// CertificateAuthorityData is the PEM CA bundle (base64 in the file).
	CertificateAuthorityData []byte `json:"certificate-authority-data,omitempty"`
	// ProxyURL is the proxy to use.
	ProxyURL string `json:"proxy-url,omitempty"`
}

// NamedAuthInfo is a user with its name.
type NamedAuthInfo struct {
	Name     string   `json:"name"`
	AuthInfo AuthInfo `json:"user"`
}

// AuthInfo holds a user's credentials.
type AuthInfo struct {
	// ClientCertificate is the path of the client certificate.
	ClientCertificate string `json:"client-certificate,omitempty"`
	// ClientCertificateData is the PEM client certificate.
	ClientCertificateData []byte `json:"client-certificate-data,omitempty"`
	// ClientKey is the path of the client key.
	ClientKey string `json:"client-key,omitempty"`
	// ClientKeyData is the PEM client key.
	ClientKeyData []byte `json:"client-key-data,omitempty"`
	// Token is a bearer token.
	Token string `json:"token,omitempty"`
	// TokenFile is a file holding a bearer token.
	TokenFile string `json:"tokenFile,omitempty"`
	// Impersonate is the user to act as.
	Impersonate string `json:"as,omitempty"`
	// Username and Password are basic-auth credentials.
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
}

// NamedContext is a context with its name.
type NamedContext struct {
	Name    string  `json:"name"`
	Context Context `json:"context"`
}

// Context pairs a cluster and a user with a default namespace.
type Context struct {
	Cluster   string `json:"cluster"`
	AuthInfo  string `json:"user"`
	Namespace string `json:"namespace,omitempty"`
}

// Cluster returns the named cluster.
func (c *Config) Cluster(name string) (*Cluster, bool) {
	for i := range c.Clusters {
		if c.Clusters[i].Name == name {
			return &c.Clusters[i].Cluster, true
		}
	}
	return nil, false
}

// AuthInfo returns the named user.
func (c *Config) AuthInfo(name string) (*AuthInfo, bool) {
	for i := range c.AuthInfos {
		if c.AuthInfos[i].Name == name {
			return &c.AuthInfos[i].AuthInfo, true
		}
	}
	return nil, false
}

// Context returns the named context.
func (c *Config) Context(name string) (*Context, bool) {
	for i := range c.Contexts {
		if c.Contexts[i].Name == name {
			return &c.Contexts[i].Context, true
		}
	}
	return nil, false
}

// SetCluster adds or replaces a cluster.
func (c *Config) SetCluster(name string, cl Cluster) {
	if p, ok := c.Cluster(name); ok {
		*p = cl
		return
	}
	c.Clusters = append(c.Clusters, NamedCluster{Name: name, Cluster: cl})
}

// SetAuthInfo adds or replaces a user.
func (c *Config) SetAuthInfo(name string, a AuthInfo) {
	if p, ok := c.AuthInfo(name); ok {
		*p = a
		return
	}
	c.AuthInfos = append(c.AuthInfos, NamedAuthInfo{Name: name, AuthInfo: a})
}

// SetContext adds or replaces a context.
func (c *Config) SetContext(name string, ctx Context) {
	if p, ok := c.Context(name); ok {
		*p = ctx
		return
	}
	c.Contexts = append(c.Contexts, NamedContext{Name: name, Context: ctx})
}

package rest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/util/flowcontrol"
)

// Default client-side limits, as in Kubernetes.
const (
	DefaultQPS   float32 = 5
	DefaultBurst         = 10
	// DefaultMaxRetries bounds the retries of one request.
	DefaultMaxRetries = 10
)

// Config says how to reach and authenticate to an apiserver.
type Config struct {
	// Host is a URL ("https://10.0.0.1:6443") or host:port.
	Host string
	// TLS holds the server CA and the client certificate.
	TLS TLSConfig
	// BearerToken authenticates with "Authorization: Bearer".
	BearerToken string
	// BearerTokenFile is read on every request when set; it wins over BearerToken.
	BearerTokenFile string
	// Username and Password authenticate with basic auth.
	Username, Password string
	// Impersonate sets Impersonate-User when non-empty.
	Impersonate string
	// QPS and Burst size the client-side token bucket (defaults 5 and 10;
	// a negative QPS disables limiting).
	QPS   float32
	Burst int
	// RateLimiter replaces the token bucket built from QPS and Burst.
	RateLimiter flowcontrol.RateLimiter
	// ContentType is the media type of request bodies and the preferred
	// response type: application/json (default) or
	// application/vnd.kubernetes.protobuf.
	ContentType string
	// UserAgent is sent on every request.
	UserAgent string
	// Timeout bounds each non-watch request; zero means none.
	Timeout time.Duration
	// MaxRetries bounds retries of one request (default 10; negative: none).
	MaxRetries int
	// Transport replaces the HTTP transport (tests, in-memory servers); TLS
	// settings are then ignored.
	Transport http.RoundTripper
	// WarningHandler receives the server's Warning headers; nil logs them.
	WarningHandler WarningHandler
	// Scheme decodes responses; nil means every kind of keel.dev/api.
	Scheme *runtime.Scheme
}

// TLSConfig holds TLS settings; file paths are read when the transport is built.
type TLSConfig struct {
	// Insecure skips server certificate verification.
	Insecure bool
	// ServerName overrides the name checked in the server certificate.
	ServerName string
	// CAFile and CAData hold the PEM server CA bundle.
	CAFile string
	CAData []byte
	// CertFile/CertData and KeyFile/KeyData hold the PEM client certificate and key.
	CertFile string
	CertData []byte
	KeyFile  string
	KeyData  []byte
}

// HasCA reports whether a CA is configured.
func (t TLSConfig) HasCA() bool { return t.CAFile != "" || len(t.CAData) > 0 }

// HasCert reports whether a client certificate is configured.
func (t TLSConfig) HasCert() bool {
	return (t.CertFile != "" || len(t.CertData) > 0) && (t.KeyFile != "" || len(t.KeyData) > 0)
}

// CopyConfig returns a shallow copy of c with its byte slices cloned.
func CopyConfig(c *Config) *Config {
	out := *c
	out.TLS.CAData = append([]byte(nil), c.TLS.CAData...)
	out.TLS.CertData = append([]byte(nil), c.TLS.CertData...)
	out.TLS.KeyData = append([]byte(nil), c.TLS.KeyData...)
	return &out
}

// TLSClientConfig builds the crypto/tls configuration of c.
func TLSClientConfig(c *Config) (*tls.Config, error) {
	t := c.TLS
	out := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.Insecure, NextProtos: []string{"h2", "http/1.1"}} //nolint:gosec // user opt-in
	ca := t.CAData
	if t.CAFile != "" {
		b, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read certificate authority: %w", err)
		}
		ca = b
	}
	if len(ca) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, fmt.Errorf("certificate authority holds no PEM certificate")
		}
		out.RootCAs = pool
	}
	if t.HasCert() {
		cert, key := t.CertData, t.KeyData
		var err error
		if t.CertFile != "" {
			if cert, err = os.ReadFile(t.CertFile); err != nil {
				return nil, fmt.Errorf("read client certificate: %w", err)
			}
		}
		if t.KeyFile != "" {
			if key, err = os.ReadFile(t.KeyFile); err != nil {
				return nil, fmt.Errorf("read client key: %w", err)
			}
		}
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("load client certificate: %w", err)
		}
		out.Certificates = []tls.Certificate{pair}
	}
	return out, nil
}

// HTTPClientFor returns the HTTP client c describes (HTTP/2 over TLS) with
// its authentication headers; the request timeout is applied per request.
func HTTPClientFor(c *Config) (*http.Client, error) {
	rt := c.Transport
	if rt == nil {
		tc, err := TLSClientConfig(c)
		if err != nil {
			return nil, err
		}
		rt = &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:     tc,
			TLSHandshakeTimeout: 10 * time.Second,
			ForceAttemptHTTP2:   true,
			MaxIdleConnsPerHost: 25,
			IdleConnTimeout:     90 * time.Second,
		}
	}
	return &http.Client{Transport: &authTransport{cfg: c, next: rt}}, nil
}

// authTransport adds the user agent and credentials to each request.
type authTransport struct {
	cfg  *Config
	next http.RoundTripper
}

func (a *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if a.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", a.cfg.UserAgent)
	}
	if a.cfg.Impersonate != "" {
		req.Header.Set("Impersonate-User", a.cfg.Impersonate)
	}
	token := a.cfg.BearerToken
	if a.cfg.BearerTokenFile != "" {
		if b, err := os.ReadFile(a.cfg.BearerTokenFile); err == nil {
			token = strings.TrimSpace(string(b))
		}
	}
	switch {
	case token != "":
		req.Header.Set("Authorization", "Bearer "+token)
	case a.cfg.Username != "":
		req.SetBasicAuth(a.cfg.Username, a.cfg.Password)
	}
	return a.next.RoundTrip(req)
}

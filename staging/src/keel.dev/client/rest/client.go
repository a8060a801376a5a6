package rest

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"keel.dev/api/install"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"
	"keel.dev/client/clock"
	"keel.dev/client/util/flowcontrol"
)

// WarningHandler receives the Warning headers of responses.
type WarningHandler interface {
	// HandleWarning is called once per warning, from the requesting goroutine.
	HandleWarning(code int, agent, text string)
}

// WarningHandlerFunc adapts a function to WarningHandler.
type WarningHandlerFunc func(code int, agent, text string)

// HandleWarning calls f.
func (f WarningHandlerFunc) HandleWarning(code int, agent, text string) { f(code, agent, text) }

// logWarnings logs warnings with slog.
type logWarnings struct{}

func (logWarnings) HandleWarning(code int, agent, text string) {
	slog.Warn("apiserver warning", "code", code, "agent", agent, "text", text)
}

// Client is a REST client of one apiserver. It is safe for concurrent use.
type Client struct {
	base        *url.URL
	http        *http.Client
	codecs      *serializer.CodecFactory
	scheme      *runtime.Scheme
	contentType string
	limiter     flowcontrol.RateLimiter
	warnings    WarningHandler
	maxRetries  int
	timeout     time.Duration
	clock       clock.Clock
}

// Option configures a Client.
type Option func(*Client)

// WithClock sets the clock used for retry back-off and Retry-After waits.
func WithClock(c clock.Clock) Option { return func(cl *Client) { cl.clock = c } }

// WithHTTPClient replaces the HTTP client built from the Config.
func WithHTTPClient(h *http.Client) Option { return func(cl *Client) { cl.http = h } }

// New returns a client for cfg.
func New(cfg *Config, opts ...Option) (*Client, error) {
	host := cfg.Host
	if host == "" {
		return nil, fmt.Errorf("rest config: host is required")
	}
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	base, err := url.Parse(strings.TrimSuffix(host, "/"))
	if err != nil {
		return nil, fmt.Errorf("rest config: parse host %q: %w", cfg.Host, err)
	}
	scheme := cfg.Scheme
	if scheme == nil {
		scheme = defaultScheme()
	}
	c := &Client{
		base:        base,
		codecs:      serializer.NewCodecFactory(scheme),
		scheme:      scheme,
		contentType: cfg.ContentType,
		limiter:     cfg.RateLimiter,
		warnings:    cfg.WarningHandler,
		maxRetries:  cfg.MaxRetries,
		timeout:     cfg.Timeout,
		clock:       clock.Real{},
	}
	if c.contentType == "" {
		c.contentType = runtime.ContentTypeJSON
	}
	if _, ok := c.codecs.SerializerForMediaType(c.contentType); !ok {
		return nil, fmt.Errorf("rest config: unsupported content type %q", c.contentType)
	}
	if c.warnings == nil {
		c.warnings = logWarnings{}
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	for _, o := range opts {
		o(c)
	}
	if c.limiter == nil {
		qps, burst := cfg.QPS, cfg.Burst
		if qps == 0 {
			qps = DefaultQPS
		}
		if burst == 0 {
			burst = DefaultBurst
		}
		if qps > 0 {
			c.limiter = flowcontrol.NewTokenBucket(float64(qps), burst, flowcontrol.WithClock(c.clock))
		}
	}
	if c.http == nil {
		if c.http, err = HTTPClientFor(cfg); err != nil {
			return nil, err
		}
	}
	return c, nil
}

var schemeOnce = sync.OnceValue(install.NewScheme)

// defaultScheme returns the shared scheme of every keel.dev/api kind.
func defaultScheme() *runtime.Scheme { return schemeOnce() }

// DefaultScheme returns the scheme clients use when none is configured.
func DefaultScheme() *runtime.Scheme { return defaultScheme() }

// Scheme returns the client's scheme.
func (c *Client) Scheme() *runtime.Scheme { return c.scheme }

// Codecs returns the client's codec factory.
func (c *Client) Codecs() *serializer.CodecFactory { return c.codecs }

// ContentType returns the media type of request bodies.
func (c *Client) ContentType() string { return c.contentType }

// Verb starts a request with an HTTP method.
func (c *Client) Verb(method string) *Request { return newRequest(c, method) }

// Get starts a GET request.
func (c *Client) Get() *Request { return c.Verb(http.MethodGet) }

// Post starts a POST request.
func (c *Client) Post() *Request { return c.Verb(http.MethodPost) }

// Put starts a PUT request.
func (c *Client) Put() *Request { return c.Verb(http.MethodPut) }

// Delete starts a DELETE request.
func (c *Client) Delete() *Request { return c.Verb(http.MethodDelete) }

// Patch starts a PATCH request whose body has media type pt.
func (c *Client) Patch(pt string) *Request {
	r := c.Verb(http.MethodPatch)
	r.bodyType = pt
	return r
}

// PathPrefix returns the path prefix of a group version: /api/v1 for the
// core group, /apis/<group>/<version> otherwise.
func PathPrefix(gv schema.GroupVersion) string {
	if gv.Group == "" {
		return "/api/" + gv.Version
	}
	return "/apis/" + gv.Group + "/" + gv.Version
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	rbacv1 "keel.dev/api/rbac/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"
	"keel.dev/keel/api"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/bootstrap"
	"keel.dev/keel/pkg/apiserver/discovery"
	"keel.dev/keel/pkg/apiserver/healthz"
	"keel.dev/keel/pkg/apiserver/server"
	"keel.dev/keel/pkg/apiserver/storage/embedetcd"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
)

// Running is a started apiserver.
type Running struct {
	addr     net.Addr
	url      string
	certs    *server.Certificates
	ready    chan struct{}
	errc     chan error
	done     chan struct{}
	cancel   context.CancelFunc
	srv      *server.Running
	wg       sync.WaitGroup // background loops (compactor, bootstrap)
	cleanups []func()       // run in reverse order by Close
	once     sync.Once
}

// Addr is the address the server listens on.
func (r *Running) Addr() net.Addr { return r.addr }

// URL is the server's base URL ("https://host:port") as clients on this
// host reach it.
func (r *Running) URL() string { return r.url }

// Certificates returns the serving certificate and, when generated, the CA.
func (r *Running) Certificates() *server.Certificates { return r.certs }

// Ready is closed once the server serves and the bootstrap objects exist.
func (r *Running) Ready() <-chan struct{} { return r.ready }

// Err delivers the error that stopped the server on its own (HTTP server or
// embedded etcd failure); nothing is sent on a requested shutdown.
func (r *Running) Err() <-chan error { return r.errc }

// Done is closed once Close has released everything.
func (r *Running) Done() <-chan struct{} { return r.done }

// Close shuts the server down gracefully and releases etcd; it is safe to
// call more than once and from several goroutines, and returns when done.
func (r *Running) Close() {
	r.once.Do(func() {
		r.cancel()
		if r.srv != nil {
			<-r.srv.Done()
		}
		r.wg.Wait()
		for i := len(r.cleanups) - 1; i >= 0; i-- {
			r.cleanups[i]()
		}
		close(r.done)
	})
	<-r.done
}

// Start brings the apiserver up from cfg and returns once it listens. The
// server stops when ctx ends or Close is called; after a failed Start
// everything already started is released.
func Start(ctx context.Context, cfg *Config) (_ *Running, err error) {
	c := *cfg
	setDefaults(&c)
	log := c.Logger
	ctx, cancel := context.WithCancel(ctx)
	r := &Running{ready: make(chan struct{}), errc: make(chan error, 1), done: make(chan struct{}), cancel: cancel}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()

	// Storage backend.
	endpoints := c.EtcdServers
	var etcdErr <-chan error
	if len(endpoints) == 0 {
		e, err := embedetcd.Start(ctx, embedetcd.Config{DataDir: c.DataDir, UnsafeNoFsync: c.EtcdUnsafeNoFsync})
		if err != nil {
			return nil, err
		}
		r.cleanups = append(r.cleanups, e.Close)
		endpoints, etcdErr = e.Endpoints(), e.Err()
	}
	cli, err := etcd3.NewClient(ctx, etcd3.ClientConfig{
		Endpoints: endpoints, CAFile: c.EtcdCAFile, CertFile: c.EtcdCertFile, KeyFile: c.EtcdKeyFile,
	})
	if err != nil {
		return nil, fmt.Errorf("connect to etcd %v: %w", endpoints, err)
	}
	r.cleanups = append(r.cleanups, func() { _ = cli.Close() })
	if c.EtcdCompactionInterval > 0 {
		compactor := etcd3.NewCompactor(cli, c.EtcdCompactionInterval)
		r.wg.Add(1)
		go func() { defer r.wg.Done(); compactor.Run(ctx) }()
	}

	// TLS and authentication.
	serviceIP, err := server.FirstServiceIP(c.ServiceClusterIPRange)
	if err != nil {
		return nil, err
	}
	certs, err := server.EnsureCertificates(server.CertConfig{
		CertFile: c.TLSCertFile, KeyFile: c.TLSKeyFile, Dir: c.CertDir,
		AdvertiseAddress: c.AdvertiseAddress, ServiceIP: serviceIP,
	})
	if err != nil {
		return nil, err
	}
	r.certs = certs
	clientCAs, err := server.ClientCAs(c.ClientCAFile, certs)
	if err != nil {
		return nil, err
	}
	sa, err := newServiceAccounts(&c)
	if err != nil {
		return nil, fmt.Errorf("service account tokens: %w", err)
	}
	// The token file is loaded once for both requests and TokenReviews.
	var tokenAuths []authn.Authenticator
	var reviewers []authn.TokenReviewer
	if c.TokenAuthFile != "" {
		tf, err := authn.LoadTokenFile(c.TokenAuthFile)
		if err != nil {
			return nil, fmt.Errorf("authentication: %w", err)
		}
		tokenAuths, reviewers = append(tokenAuths, tf), append(reviewers, tf)
	}
	authenticator, err := authn.New(authn.Config{ClientCAs: clientCAs, Anonymous: c.Anonymous,
		Tokens: append(tokenAuths, sa.authenticators()...)})
	if err != nil {
		return nil, fmt.Errorf("authentication: %w", err)
	}
	// One authorizer serves requests and access reviews alike.
	authorization, err := newAuthorization(c.AuthorizationModes, log)
	if err != nil {
		return nil, err
	}
	authorizer := authorization.authorizer
	tokenReviews := authn.NewTokenReviewREST(sa.apiAudiences(), append(reviewers, sa.reviewers()...)...)

	// Listen first: discovery and the kubeconfig carry the real port.
	ln := c.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", c.ListenAddress()); err != nil {
			return nil, fmt.Errorf("listen: %w", err)
		}
	}
	r.cleanups = append(r.cleanups, func() { _ = ln.Close() })
	r.addr = ln.Addr()
	port := r.addr.(*net.TCPAddr).Port
	r.url = "https://" + net.JoinHostPort(clientHost(r.addr), strconv.Itoa(port))

	// The API: discovery, OpenAPI and the REST handlers.
	scheme := newScheme()
	enabled, err := discovery.ResolveRuntimeConfig(groupVersions(scheme), c.RuntimeConfig)
	if err != nil {
		return nil, fmt.Errorf("--runtime-config: %w", err)
	}
	disc, err := discovery.New(discovery.Config{
		Resources: scheme.Resources(), Enabled: enabled,
		ServerAddress: net.JoinHostPort(c.AdvertiseAddress, strconv.Itoa(port)),
	})
	if err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	openapi, err := discovery.NewOpenAPI(api.OpenAPISpec(), disc.GroupVersions())
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	rest, err := newAPI(ctx, apiConfig{
		cfg: &c, scheme: scheme, codecs: serializer.NewCodecFactory(scheme), etcd: cli, enabled: enabled, port: port, certs: certs,
		sa: sa, tokenReviews: tokenReviews, authorizer: authorizer,
	})
	if err != nil {
		return nil, err
	}
	r.cleanups = append(r.cleanups, rest.close)
	err = authorization.follow(ctx, rest.storages, func(fn func()) {
		r.wg.Add(1)
		go func() { defer r.wg.Done(); fn() }()
	})
	if err != nil {
		return nil, err
	}

	etcdCheck := healthz.NamedCheck("etcd", func(req *http.Request) error {
		ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
		defer cancel()
		return etcd3.CheckHealth(ctx, cli)
	})
	nonResource, err := sa.nonResource(c.AdvertiseAddress, port)
	if err != nil {
		return nil, err
	}
	bootstrapped := healthz.NewPostStartHook("bootstrap-controller")
	hooks := []healthz.Checker{bootstrapped}
	// As in Kubernetes, the RBAC bootstrap policy has its own hook when the
	// RBAC API is served.
	rbacBootstrapped := healthz.NewPostStartHook("rbac/bootstrap-roles")
	if enabled.Has(rbacv1.SchemeGroupVersion) {
		hooks = append(hooks, rbacBootstrapped)
	}
	chain := server.BuildHandlerChain(rest.handler, server.ChainConfig{
		Authenticator:               authenticator,
		Authorizer:                  authorizer,
		PublicPaths:                 []string{"/healthz", "/livez", "/readyz"},
		Discovery:                   disc,
		Version:                     discovery.DefaultVersion(),
		OpenAPI:                     openapi,
		HealthChecks:                append([]healthz.Checker{healthz.Ping, etcdCheck}, hooks...),
		LivezChecks:                 []healthz.Checker{healthz.Ping, etcdCheck},
		ReadyzChecks:                append([]healthz.Checker{healthz.Ping, etcdCheck}, hooks...),
		MaxRequestsInFlight:         c.MaxRequestsInflight,
		MaxMutatingRequestsInFlight: c.MaxMutatingRequestsInflight,
		NonResource:                 nonResource,
		Profiling:                   c.Profiling,
	})

	if c.WriteKubeconfig != "" {
		if err := writeKubeconfig(c.WriteKubeconfig, r.url, certs); err != nil {
			return nil, err
		}
	}
	srv, err := server.Start(ctx, server.Config{
		Listener: ln, Serving: certs.Serving, ClientCAs: clientCAs, ShutdownTimeout: c.ShutdownTimeout,
		ErrorLog: log,
	}, chain)
	if err != nil {
		return nil, err
	}
	r.srv = srv
	shown := r.addr.String()
	if c.Listener == nil {
		shown = net.JoinHostPort(c.BindAddress, strconv.Itoa(port)) // "0.0.0.0:6443", not "[::]:6443"
	}
	fmt.Fprintf(c.Out, "apiserver listening on https://%s (etcd: %s)\n", shown, c.EtcdDescription())

	if !bootstrap.HasEndpoints(c.AdvertiseAddress) {
		log.Warn("the advertise address is loopback: the kubernetes Service gets no endpoints", "advertiseAddress", c.AdvertiseAddress)
	}
	// Bootstrap in the background until it succeeds; readiness waits for it.
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if err := runBootstrap(ctx, log, rest.bootstrap); err != nil {
			return
		}
		bootstrapped.Complete()
		if err := runBootstrap(ctx, log, func(ctx context.Context) error {
			return authorization.ensureRBACPolicy(ctx, rest.storages, enabled)
		}); err != nil {
			return
		}
		rbacBootstrapped.Complete()
		close(r.ready)
	}()
	go r.watch(ctx, etcdErr)
	return r, nil
}

// watch reports a failure of the HTTP server or the embedded etcd on Err,
// and releases everything once the server has stopped.
func (r *Running) watch(ctx context.Context, etcdErr <-chan error) {
	var err error
	select {
	case <-r.srv.Done():
		err = r.srv.Err()
	case err = <-etcdErr:
		err = fmt.Errorf("embedded etcd: %w", err)
	case <-ctx.Done():
	}
	if err != nil && ctx.Err() == nil {
		r.errc <- err
		return
	}
	r.Close()
}

// runBootstrap calls fn until it succeeds or ctx ends, backing off between
// attempts.
func runBootstrap(ctx context.Context, log *slog.Logger, fn func(context.Context) error) error {
	delay := 100 * time.Millisecond
	for {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		log.Warn("bootstrap failed, retrying", "err", err, "retryIn", delay)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Second)
	}
}

// writeKubeconfig issues an admin client certificate from the generated CA
// and writes a kubeconfig for url.
func writeKubeconfig(path, url string, certs *server.Certificates) error {
	if certs.CA == nil {
		return errors.New("--write-kubeconfig needs the generated CA (it is not available with --tls-cert-file)")
	}
	admin, err := server.IssueAdminClientCert(certs.CA)
	if err != nil {
		return fmt.Errorf("issue admin certificate: %w", err)
	}
	if err := server.WriteAdminKubeconfig(path, url, certs.CA.CertPEM(), admin); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

// clientHost is the host a local client dials for a listener address:
// loopback when the listener binds every address.
func clientHost(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && !t.IP.IsUnspecified() {
		return t.IP.String()
	}
	return "127.0.0.1"
}

// groupVersions lists the group versions of the scheme's resources.
func groupVersions(s *runtime.Scheme) []schema.GroupVersion {
	seen := map[schema.GroupVersion]bool{}
	var out []schema.GroupVersion
	for _, r := range s.Resources() {
		if gv := r.GroupVersion(); !seen[gv] {
			seen[gv] = true
			out = append(out, gv)
		}
	}
	return out
}

// setDefaults fills the in-process fields a Config built by hand may lack.
func setDefaults(c *Config) {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.EtcdPrefix == "" {
		c.EtcdPrefix = "/registry"
	}
	if c.AdvertiseAddress == "" {
		c.AdvertiseAddress = "127.0.0.1"
	}
	if c.ServiceClusterIPRange == "" {
		c.ServiceClusterIPRange = "10.96.0.0/12"
	}
	if c.ServiceNodePortRange == "" {
		c.ServiceNodePortRange = "30000-32767"
	}
	if c.MaxRequestBodyBytes <= 0 {
		c.MaxRequestBodyBytes = 3 << 20
	}
	if c.MinRequestTimeout <= 0 {
		c.MinRequestTimeout = 1800 * time.Second
	}
}

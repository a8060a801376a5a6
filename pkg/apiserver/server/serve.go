package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"keel.dev/keel/internal/pki"
	"keel.dev/keel/pkg/apiserver/filters"
)

// Config is how the apiserver serves HTTPS.
type Config struct {
	// BindAddress and Port are where to listen; Port 0 picks a free port.
	BindAddress string
	Port        int
	// Listener, when set, is used instead of BindAddress and Port.
	Listener net.Listener
	// Serving is the server's certificate.
	Serving *pki.KeyPair
	// ClientCAs are offered to clients as the acceptable issuers of client
	// certificates. A client certificate is requested but not required by
	// the TLS layer; the x509 authenticator verifies it.
	ClientCAs *x509.CertPool
	// ShutdownTimeout bounds the graceful shutdown once the context ends
	// (default 10s); connections still open then are closed.
	ShutdownTimeout time.Duration
	// ErrorLog receives the HTTP server's own errors (TLS handshakes, …);
	// nil uses slog at debug level.
	ErrorLog *slog.Logger
}

// Running is a started server.
type Running struct {
	addr net.Addr
	done chan struct{}
	err  error
}

// Addr is the address the server listens on.
func (s *Running) Addr() net.Addr { return s.addr }

// Done is closed once the server has shut down.
func (s *Running) Done() <-chan struct{} { return s.done }

// Err returns why the server stopped (nil after a clean shutdown); it is
// valid once Done is closed.
func (s *Running) Err() error { return s.err }

// TLSConfig returns the TLS configuration the server uses: TLS 1.2+, h2 and
// http/1.1, and a requested (not required) client certificate.
func TLSConfig(cfg Config) (*tls.Config, error) {
	if cfg.Serving == nil {
		return nil, errors.New("no serving certificate")
	}
	keyPEM, err := cfg.Serving.KeyPEM()
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(cfg.Serving.CertPEM(), keyPEM)
	if err != nil {
		return nil, fmt.Errorf("serving certificate: %w", err)
	}
	tc := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
		ClientAuth:   tls.NoClientCert,
	}
	if cfg.ClientCAs != nil {
		tc.ClientAuth = tls.RequestClientCert
		tc.ClientCAs = cfg.ClientCAs
	}
	return tc, nil
}

// Start listens and serves handler over HTTPS (HTTP/2 and HTTP/1.1) until
// ctx ends, then shuts down gracefully: listeners close, long-running
// requests (watches, …) are told to end through the request context, and
// other requests get up to ShutdownTimeout to finish.
func Start(ctx context.Context, cfg Config, handler http.Handler) (*Running, error) {
	tc, err := TLSConfig(cfg)
	if err != nil {
		return nil, err
	}
	ln := cfg.Listener
	if ln == nil {
		addr := net.JoinHostPort(cfg.BindAddress, strconv.Itoa(cfg.Port))
		if ln, err = net.Listen("tcp", addr); err != nil {
			return nil, fmt.Errorf("listen on %s: %w", addr, err)
		}
	}
	stopping := make(chan struct{})
	errLog := cfg.ErrorLog
	if errLog == nil {
		errLog = slog.Default()
	}
	srv := &http.Server{
		Handler:           handler,
		TLSConfig:         tc,
		ReadHeaderTimeout: 32 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    1 << 20,
		HTTP2:             &http.HTTP2Config{MaxConcurrentStreams: 250},
		ErrorLog:          slog.NewLogLogger(errLog.Handler(), slog.LevelDebug),
		BaseContext: func(net.Listener) context.Context {
			return filters.WithStopping(context.Background(), stopping)
		},
	}
	s := &Running{addr: ln.Addr(), done: make(chan struct{})}
	served := make(chan error, 1)
	go func() { served <- srv.ServeTLS(ln, "", "") }()
	go func() {
		defer close(s.done)
		select {
		case err := <-served:
			s.err = fmt.Errorf("serve: %w", err)
			return
		case <-ctx.Done():
		}
		close(stopping)
		timeout := cfg.ShutdownTimeout
		if timeout <= 0 {
			timeout = 10 * time.Second
		}
		sctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			_ = srv.Close()
		}
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.err = fmt.Errorf("serve: %w", err)
		}
	}()
	return s, nil
}

// Serve runs Start and blocks until the server has shut down.
func Serve(ctx context.Context, cfg Config, handler http.Handler) error {
	s, err := Start(ctx, cfg, handler)
	if err != nil {
		return err
	}
	<-s.Done()
	return s.Err()
}

package embedetcd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Config describes the embedded server.
type Config struct {
	// DataDir holds the member's data; created if missing. Required.
	DataDir string
	// ClientURL is where clients connect, e.g. "http://127.0.0.1:2379"; empty
	// or port 0 picks a free loopback port.
	ClientURL string
	// PeerURL is the (unused, single-member) peer address; empty or port 0
	// picks a free loopback port.
	PeerURL string
	// Name is the member name; default "keel".
	Name string
	// QuotaBackendBytes caps the backend size; 0 keeps etcd's default (2 GiB).
	QuotaBackendBytes int64
	// MaxRequestBytes caps one request; 0 keeps etcd's default (1.5 MiB).
	MaxRequestBytes uint
	// UnsafeNoFsync skips fsync: faster, loses data on power failure. For
	// tests and throw-away clusters only.
	UnsafeNoFsync bool
	// StartTimeout bounds the wait for the server to become ready; default 60s.
	StartTimeout time.Duration
	// LogLevel is the zap level of etcd's own log; default "error".
	LogLevel string
}

// Server is a running embedded etcd.
type Server struct {
	etcd      *embed.Etcd
	closing   *atomic.Bool
	closeOnce sync.Once
	endpoints []string
	ready     chan struct{}
	errc      chan error
}

// Start launches the server and waits until it serves clients, ctx is done
// or StartTimeout passes. On failure everything started is torn down.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	closing := new(atomic.Bool)
	var ecfg *embed.Config
	var e *embed.Etcd
	// A port picked free may be taken before etcd binds it: pick again.
	for attempt := 1; ; attempt++ {
		var err error
		if ecfg, err = cfg.embedConfig(closing); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create etcd data dir: %w", err)
		}
		e, err = embed.StartEtcd(ecfg)
		if err == nil {
			break
		}
		if attempt == 3 || !strings.Contains(err.Error(), "address already in use") || !cfg.picksPorts() {
			return nil, fmt.Errorf("start embedded etcd in %s: %w", cfg.DataDir, err)
		}
	}
	timeout := cfg.StartTimeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("embedded etcd failed while starting: %w", err)
	case <-timer.C:
		e.Close()
		return nil, fmt.Errorf("embedded etcd not ready after %v", timeout)
	case <-ctx.Done():
		e.Close()
		return nil, fmt.Errorf("start embedded etcd: %w", ctx.Err())
	}
	s := &Server{etcd: e, closing: closing, ready: make(chan struct{}), errc: make(chan error, 1)}
	for _, u := range ecfg.AdvertiseClientUrls {
		s.endpoints = append(s.endpoints, u.String())
	}
	close(s.ready)
	go func() {
		if err, ok := <-e.Err(); ok && err != nil {
			s.errc <- err
		}
	}()
	return s, nil
}

// Ready is closed once the server serves clients (always, after Start returns).
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Err delivers a fatal error of the running server.
func (s *Server) Err() <-chan error { return s.errc }

// Endpoints returns the client URLs.
func (s *Server) Endpoints() []string { return append([]string(nil), s.endpoints...) }

// Close stops the server and waits for it; safe to call twice.
func (s *Server) Close() {
	// Listener shutdown errors are expected now; keep them out of the log.
	s.closeOnce.Do(func() {
		s.closing.Store(true)
		s.etcd.Close()
	})
}

func (cfg Config) embedConfig(closing *atomic.Bool) (*embed.Config, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("embedded etcd: DataDir is required")
	}
	client, err := loopbackURL(cfg.ClientURL)
	if err != nil {
		return nil, fmt.Errorf("embedded etcd client URL: %w", err)
	}
	peer, err := loopbackURL(cfg.PeerURL)
	if err != nil {
		return nil, fmt.Errorf("embedded etcd peer URL: %w", err)
	}
	e := embed.NewConfig()
	e.Name = cfg.Name
	if e.Name == "" {
		e.Name = "keel"
	}
	e.Dir = cfg.DataDir
	e.ListenClientUrls = []url.URL{*client}
	e.AdvertiseClientUrls = []url.URL{*client}
	e.ListenPeerUrls = []url.URL{*peer}
	e.AdvertisePeerUrls = []url.URL{*peer}
	e.InitialCluster = e.InitialClusterFromName(e.Name)
	e.QuotaBackendBytes = cfg.QuotaBackendBytes
	if cfg.MaxRequestBytes > 0 {
		e.MaxRequestBytes = cfg.MaxRequestBytes
	}
	e.UnsafeNoFsync = cfg.UnsafeNoFsync
	// The apiserver compacts; etcd must not on its own.
	e.AutoCompactionMode = embed.CompactorModePeriodic
	e.AutoCompactionRetention = "0"
	e.Logger = "zap"
	level := cfg.LogLevel
	if level == "" {
		level = "error"
	}
	e.LogLevel = level
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("embedded etcd log level: %w", err)
	}
	zc := zap.NewProductionConfig()
	zc.Level = zap.NewAtomicLevelAt(lvl)
	zc.Sampling = nil
	zc.OutputPaths = []string{"stderr"}
	zc.ErrorOutputPaths = []string{"stderr"}
	lg, err := zc.Build(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return quietCore{Core: c, closing: closing}
	}))
	if err != nil {
		return nil, fmt.Errorf("embedded etcd logger: %w", err)
	}
	e.ZapLoggerBuilder = embed.NewZapLoggerBuilder(lg)
	return e, nil
}

// picksPorts reports whether Start chooses a port itself.
func (cfg Config) picksPorts() bool {
	for _, raw := range []string{cfg.ClientURL, cfg.PeerURL} {
		if u, err := url.Parse(raw); raw == "" || (err == nil && (u.Port() == "" || u.Port() == "0")) {
			return true
		}
	}
	return false
}

// loopbackURL parses raw (default http://127.0.0.1:0) and replaces a zero
// port with a free one.
func loopbackURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = "http://127.0.0.1:0"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return nil, err
	}
	if port == "0" || port == "" {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("pick a free port on %s: %w", host, err)
		}
		u.Host = l.Addr().String()
		l.Close()
	}
	return u, nil
}

// quietCore drops every log entry once the server is closing.
type quietCore struct {
	zapcore.Core
	closing *atomic.Bool
}

func (q quietCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if q.closing.Load() {
		return ce
	}
	return q.Core.Check(e, ce)
}

func (q quietCore) With(fields []zapcore.Field) zapcore.Core {
	return quietCore{Core: q.Core.With(fields), closing: q.closing}
}

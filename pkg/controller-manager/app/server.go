package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"keel.dev/keel/internal/profiling"
)

// endpoint is the running health and metrics server.
type endpoint struct {
	srv  *http.Server
	addr string
}

// Close stops the server.
func (e *endpoint) Close() error { return e.srv.Close() }

// serveOn starts plain-HTTP /healthz, /livez, /readyz and /metrics on addr
// (no TLS: --bind-address defaults to loopback), and /debug/pprof when
// profiling. It stops when ctx ends.
func serveOn(ctx context.Context, addr string, m *Metrics, withProfiling bool) (*endpoint, error) {
	mux := http.NewServeMux()
	ok := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	}
	mux.HandleFunc("/healthz", ok)
	mux.HandleFunc("/livez", ok)
	mux.HandleFunc("/readyz", ok)
	mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	if withProfiling {
		profiling.Install(mux)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	e := &endpoint{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, addr: ln.Addr().String()}
	go func() { _ = e.srv.Serve(ln) }()
	context.AfterFunc(ctx, func() { _ = e.srv.Close() })
	logger(ctx).Info("serving health and metrics", "address", e.addr)
	return e, nil
}

// Package healthcheck serves the proxy's own /healthz and the per-Service
// health-check node ports that load balancers probe for Services with
// externalTrafficPolicy Local.
package healthcheck

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"keel.dev/apimachinery/pkg/types"
)

// DefaultPort is the proxy's health port.
const DefaultPort = 10256

// ProxyHealth tracks whether queued rule updates get applied in time.
type ProxyHealth struct {
	mu          sync.Mutex
	now         func() time.Time
	timeout     time.Duration
	lastUpdated time.Time
	oldestQueue time.Time
}

// NewProxyHealth returns a tracker that turns unhealthy when an update has
// been queued for longer than timeout; now defaults to time.Now.
func NewProxyHealth(timeout time.Duration, now func() time.Time) *ProxyHealth {
	if now == nil {
		now = time.Now
	}
	return &ProxyHealth{now: now, timeout: timeout}
}

// QueuedUpdate notes that a change is waiting to be synced.
func (h *ProxyHealth) QueuedUpdate() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.oldestQueue.IsZero() {
		h.oldestQueue = h.now()
	}
}

// Updated notes a successful sync.
func (h *ProxyHealth) Updated() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastUpdated = h.now()
	h.oldestQueue = time.Time{}
}

// Status reports health, the last sync time and the current time.
func (h *ProxyHealth) Status() (healthy bool, lastUpdated, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now = h.now()
	healthy = h.oldestQueue.IsZero() || now.Sub(h.oldestQueue) <= h.timeout
	return healthy, h.lastUpdated, now
}

type proxyStatus struct {
	LastUpdated  string `json:"lastUpdated"`
	CurrentTime  string `json:"currentTime"`
	NodeEligible bool   `json:"nodeEligible"`
}

// ServeHTTP answers /healthz with 200 when healthy and 503 otherwise.
func (h *ProxyHealth) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	healthy, last, now := h.Status()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if !healthy {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(proxyStatus{LastUpdated: last.UTC().String(), CurrentTime: now.UTC().String(), NodeEligible: true})
}

// Handler returns a mux serving /healthz and /livez.
func (h *ProxyHealth) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/healthz", h)
	mux.Handle("/livez", h)
	return mux
}

// ListenFunc opens a listener for a health-check node port.
type ListenFunc func(port int32) (net.Listener, error)

// ServiceHealth runs one HTTP server per health-check node port.
type ServiceHealth struct {
	mu      sync.Mutex
	listen  ListenFunc
	log     *slog.Logger
	ports   map[int32]*server
	byName  map[types.NamespacedName]int32
	locals  map[types.NamespacedName]int
	healthy func() bool
}

type server struct {
	name types.NamespacedName
	srv  *http.Server
}

// NewServiceHealth returns an empty set of servers; listen defaults to
// listening on every address, healthy (optional) reports proxy health.
func NewServiceHealth(listen ListenFunc, healthy func() bool, log *slog.Logger) *ServiceHealth {
	if listen == nil {
		listen = func(port int32) (net.Listener, error) {
			return net.Listen("tcp", ":"+strconv.Itoa(int(port)))
		}
	}
	if log == nil {
		log = slog.Default()
	}
	if healthy == nil {
		healthy = func() bool { return true }
	}
	return &ServiceHealth{listen: listen, log: log, healthy: healthy, ports: map[int32]*server{},
		byName: map[types.NamespacedName]int32{}, locals: map[types.NamespacedName]int{}}
}

// SyncServices makes the set of served services exactly want.
func (s *ServiceHealth) SyncServices(want map[types.NamespacedName]int32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for port, srv := range s.ports {
		if p, ok := want[srv.name]; !ok || p != port {
			_ = srv.srv.Close()
			delete(s.ports, port)
			delete(s.byName, srv.name)
		}
	}
	var errs []error
	for name, port := range want {
		if _, ok := s.ports[port]; ok {
			continue
		}
		ln, err := s.listen(port)
		if err != nil {
			errs = append(errs, fmt.Errorf("health check port %d for %s: %w", port, name, err))
			continue
		}
		srv := &server{name: name}
		srv.srv = &http.Server{Handler: s.handler(name), ReadHeaderTimeout: 5 * time.Second}
		s.ports[port] = srv
		s.byName[name] = port
		go func() {
			if err := srv.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("health check server stopped", "service", name.String(), "port", port, "err", err)
			}
		}()
	}
	return errors.Join(errs...)
}

// SyncEndpoints sets the number of local endpoints per service.
func (s *ServiceHealth) SyncEndpoints(counts map[types.NamespacedName]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locals = counts
}

// Ports returns the served port of each service.
func (s *ServiceHealth) Ports() map[types.NamespacedName]int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[types.NamespacedName]int32, len(s.byName))
	for k, v := range s.byName {
		out[k] = v
	}
	return out
}

// Close stops every server.
func (s *ServiceHealth) Close() {
	_ = s.SyncServices(nil)
}

type serviceStatus struct {
	Service struct {
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"service"`
	LocalEndpoints      int  `json:"localEndpoints"`
	ServiceProxyHealthy bool `json:"serviceProxyHealthy"`
}

func (s *ServiceHealth) handler(name types.NamespacedName) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		n := s.locals[name]
		s.mu.Unlock()
		var st serviceStatus
		st.Service.Namespace, st.Service.Name = name.Namespace, name.Name
		st.LocalEndpoints = n
		st.ServiceProxyHealthy = s.healthy()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if n == 0 || !st.ServiceProxyHealthy {
			w.WriteHeader(http.StatusServiceUnavailable)
		} else {
			w.WriteHeader(http.StatusOK)
		}
		_ = json.NewEncoder(w).Encode(st)
	})
}

// Serve runs h on addr until ctx ends.
func Serve(ctx context.Context, addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve health on %s: %w", addr, err)
	}
	return nil
}

package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/internal/pki"
	"keel.dev/keel/internal/profiling"
	"keel.dev/keel/pkg/kubelet/cri"
)

// PodSource gives the pods bound to the node.
type PodSource interface {
	ListPods() []*corev1.Pod
	GetPod(namespace, name string) (*corev1.Pod, bool)
}

// Config configures the kubelet server.
type Config struct {
	Runtime cri.Service
	Pods    PodSource
	// NodeName and NodeIPs go into a generated serving certificate.
	NodeName string
	NodeIPs  []string
	// ServingCert is the TLS certificate; nil generates a self-signed one.
	ServingCert *tls.Certificate
	// ClientCAs verifies client certificates; nil disables authentication.
	ClientCAs *x509.CertPool
	// Stats serves /stats/summary and /metrics/resource; nil answers 404.
	Stats SummaryProvider
	// Profiling serves Go's runtime profiles under /debug/pprof/.
	Profiling bool
	Logger    *slog.Logger
}

// Server serves the kubelet API.
type Server struct {
	cfg Config
	mux *http.ServeMux
}

// New returns a server.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	s.mux.HandleFunc("GET /pods", s.pods)
	s.mux.HandleFunc("GET /metrics", s.metrics)
	s.mux.HandleFunc("GET /metrics/resource", s.resourceMetrics)
	s.mux.HandleFunc("GET /stats/summary", s.summary)
	s.mux.HandleFunc("GET /containerLogs/{ns}/{pod}/{container}", s.containerLogs)
	if cfg.Profiling {
		profiling.Install(s.mux)
	}
	for _, p := range []string{"/exec/{ns}/{pod}/{container}", "/attach/{ns}/{pod}/{container}", "/portForward/{ns}/{pod}"} {
		s.mux.HandleFunc("GET "+p, s.stream)
		s.mux.HandleFunc("POST "+p, s.stream)
	}
	return s
}

// ServeHTTP authenticates the client and dispatches.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.ClientCAs != nil && (r.TLS == nil || len(r.TLS.VerifiedChains) == 0) {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// TLSConfig returns the server's TLS configuration, generating a
// self-signed serving certificate when none is configured.
func (s *Server) TLSConfig() (*tls.Config, error) {
	cert := s.cfg.ServingCert
	if cert == nil {
		c, err := selfSigned(s.cfg.NodeName, s.cfg.NodeIPs)
		if err != nil {
			return nil, err
		}
		cert = c
	}
	tc := &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	if s.cfg.ClientCAs != nil {
		tc.ClientCAs = s.cfg.ClientCAs
		tc.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return tc, nil
}

// Serve serves HTTPS on ln until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	tc, err := s.TLSConfig()
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s, TLSConfig: tc, ReadHeaderTimeout: 30 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	err = srv.Serve(tls.NewListener(ln, tc))
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// selfSigned makes a serving certificate signed by a throwaway CA.
func selfSigned(name string, ips []string) (*tls.Certificate, error) {
	ca, err := pki.NewCA(name + "-ca@" + fmt.Sprint(time.Now().Unix()))
	if err != nil {
		return nil, err
	}
	req := pki.Request{CommonName: name, DNSNames: []string{name, "localhost"}, Server: true}
	for _, ip := range append([]string{"127.0.0.1"}, ips...) {
		if p := net.ParseIP(ip); p != nil {
			req.IPs = append(req.IPs, p)
		}
	}
	kp, err := ca.Issue(req)
	if err != nil {
		return nil, err
	}
	keyPEM, err := kp.KeyPEM()
	if err != nil {
		return nil, err
	}
	c, err := tls.X509KeyPair(append(kp.CertPEM(), ca.CertPEM()...), keyPEM)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func (s *Server) pods(w http.ResponseWriter, _ *http.Request) {
	list := corev1.PodList{}
	list.APIVersion, list.Kind = "v1", "PodList"
	for _, p := range s.cfg.Pods.ListPods() {
		list.Items = append(list.Items, *p)
	}
	sort.Slice(list.Items, func(i, j int) bool {
		return list.Items[i].Namespace+"/"+list.Items[i].Name < list.Items[j].Namespace+"/"+list.Items[j].Name
	})
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(&list)
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	pods := s.cfg.Pods.ListPods()
	running := 0
	if resp, err := s.cfg.Runtime.ListContainers(r.Context(), &runtimeapi.ListContainersRequest{Filter: &runtimeapi.ContainerFilter{
		State: &runtimeapi.ContainerStateValue{State: runtimeapi.ContainerState_CONTAINER_RUNNING}}}); err == nil {
		running = len(resp.Containers)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintf(w, "# HELP kubelet_running_pods Number of pods bound to the node.\n# TYPE kubelet_running_pods gauge\nkubelet_running_pods %d\n", len(pods))
	fmt.Fprintf(w, "# HELP kubelet_running_containers Number of running containers.\n# TYPE kubelet_running_containers gauge\nkubelet_running_containers{container_state=\"running\"} %d\n", running)
}

// container finds the newest container named name of the pod ns/pod.
func (s *Server) container(ctx context.Context, ns, podName, name string) (*corev1.Pod, *runtimeapi.Container, error) {
	pod, ok := s.cfg.Pods.GetPod(ns, podName)
	if !ok {
		return nil, nil, fmt.Errorf("pod %s/%s not found", ns, podName)
	}
	resp, err := s.cfg.Runtime.ListContainers(ctx, &runtimeapi.ListContainersRequest{Filter: &runtimeapi.ContainerFilter{
		LabelSelector: map[string]string{cri.LabelPodUID: string(pod.UID), cri.LabelContainerName: name}}})
	if err != nil {
		return pod, nil, err
	}
	var best *runtimeapi.Container
	for _, c := range resp.Containers {
		if best == nil || c.CreatedAt > best.CreatedAt {
			best = c
		}
	}
	if best == nil {
		return pod, nil, fmt.Errorf("container %s of pod %s/%s not found", name, ns, podName)
	}
	return pod, best, nil
}

// stream asks the runtime for a streaming URL and proxies the (upgraded)
// connection to it.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	var target string
	switch {
	case strings.HasPrefix(r.URL.Path, "/portForward/"):
		pod, ok := s.cfg.Pods.GetPod(r.PathValue("ns"), r.PathValue("pod"))
		if !ok {
			http.Error(w, "pod not found", http.StatusNotFound)
			return
		}
		sb, err := s.cfg.Runtime.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{Filter: &runtimeapi.PodSandboxFilter{
			LabelSelector: map[string]string{cri.LabelPodUID: string(pod.UID)},
			State:         &runtimeapi.PodSandboxStateValue{State: runtimeapi.PodSandboxState_SANDBOX_READY}}})
		if err != nil || len(sb.Items) == 0 {
			http.Error(w, "pod sandbox not found", http.StatusNotFound)
			return
		}
		resp, err := s.cfg.Runtime.PortForward(ctx, &runtimeapi.PortForwardRequest{PodSandboxId: sb.Items[0].Id})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		target = resp.Url
	default:
		_, c, err := s.container(ctx, r.PathValue("ns"), r.PathValue("pod"), r.PathValue("container"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		tty, stdin := q.Get("tty") == "true" || q.Get("tty") == "1", q.Get("stdin") == "true" || q.Get("stdin") == "1"
		stdout := q.Get("stdout") == "true" || q.Get("stdout") == "1"
		stderr := q.Get("stderr") == "true" || q.Get("stderr") == "1"
		if strings.HasPrefix(r.URL.Path, "/exec/") {
			resp, err := s.cfg.Runtime.Exec(ctx, &runtimeapi.ExecRequest{ContainerId: c.Id, Cmd: q["command"],
				Tty: tty, Stdin: stdin, Stdout: stdout, Stderr: stderr && !tty})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			target = resp.Url
		} else {
			resp, err := s.cfg.Runtime.Attach(ctx, &runtimeapi.AttachRequest{ContainerId: c.Id,
				Tty: tty, Stdin: stdin, Stdout: stdout, Stderr: stderr && !tty})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			target = resp.Url
		}
	}
	u, err := url.Parse(target)
	if err != nil {
		http.Error(w, "bad streaming URL: "+err.Error(), http.StatusInternalServerError)
		return
	}
	ProxyTo(u, nil).ServeHTTP(w, r)
}

// ProxyTo returns a reverse proxy sending every request (upgrades
// included) to exactly u, with transport rt (nil: the default).
func ProxyTo(u *url.URL, rt http.RoundTripper) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Transport: rt,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawQuery: u.RawQuery}
			pr.Out.Host = u.Host
		},
		FlushInterval: -1,
	}
}

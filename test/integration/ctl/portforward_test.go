package ctl

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/spdystream"

	"keel.dev/keel/pkg/ctl/app"
	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/test/integration/framework"
)

// fakeKubelet serves /portForward/default/web like a kubelet in front of a
// CRI streaming server: SPDY/3.1 port-forward sessions whose data streams
// it connects to targets (remote port -> local address). With tunnel set it
// also accepts SPDY tunnelled in a WebSocket; without, it refuses the
// WebSocket as containerd's streaming server does, so clients fall back.
type fakeKubelet struct {
	tunnel  bool
	targets map[string]string

	mu       sync.Mutex
	requests []string // "GET websocket 400", "POST spdy 101", ...
	streams  []string // "error 80 0", "data 80 0", ...
	errs     map[string]*spdystream.Stream
}

func (k *fakeKubelet) record(list *[]string, s string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	*list = append(*list, s)
}

func (k *fakeKubelet) snapshot() (requests, streams []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.requests), slices.Clone(k.streams)
}

func (k *fakeKubelet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/portForward/default/web" {
		http.Error(w, "unexpected path "+r.URL.Path, http.StatusNotFound)
		return
	}
	switch {
	case strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
		offered := strings.Split(r.Header.Get("Sec-WebSocket-Protocol"), ",")
		if !k.tunnel || !slices.ContainsFunc(offered, func(p string) bool { return strings.TrimSpace(p) == client.TunnelPortForwardProtocol }) {
			k.record(&k.requests, r.Method+" websocket 400")
			http.Error(w, `query parameter "port" is required`, http.StatusBadRequest)
			return
		}
		conn, rw := hijack(w)
		k.record(&k.requests, r.Method+" websocket 101")
		fmt.Fprintf(rw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: %s\r\n\r\n",
			client.AcceptKey(r.Header.Get("Sec-WebSocket-Key")), client.TunnelPortForwardProtocol)
		rw.Flush()
		k.serveSPDY(client.NewWSNetConn(client.NewServerWSConn(conn, rw.Reader, client.TunnelPortForwardProtocol)))
	case strings.EqualFold(r.Header.Get("Upgrade"), "SPDY/3.1") && r.Header.Get("X-Stream-Protocol-Version") == client.PortForwardProtocol:
		conn, rw := hijack(w)
		k.record(&k.requests, r.Method+" spdy 101")
		fmt.Fprintf(rw, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: %s\r\n\r\n", client.PortForwardProtocol)
		rw.Flush()
		k.serveSPDY(&readerConn{Conn: conn, r: rw.Reader})
	default:
		k.record(&k.requests, r.Method+" plain 400")
		http.Error(w, "upgrade request required", http.StatusBadRequest)
	}
}

func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter) {
	conn, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	return conn, rw
}

// readerConn reads through r, which may hold bytes read past the request.
type readerConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *readerConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// serveSPDY runs the server side of a port-forward session until it ends.
func (k *fakeKubelet) serveSPDY(conn net.Conn) {
	sc, err := spdystream.NewConnection(conn, true)
	if err != nil {
		conn.Close()
		return
	}
	sc.Serve(func(st *spdystream.Stream) {
		h := st.Headers()
		typ, port, id := h.Get("streamType"), h.Get("port"), h.Get("requestID")
		k.record(&k.streams, typ+" "+port+" "+id)
		if typ == "error" {
			k.mu.Lock()
			k.errs[id] = st
			k.mu.Unlock()
		}
		st.SendReply(http.Header{}, false)
		if typ == "data" {
			k.mu.Lock()
			errStream := k.errs[id]
			k.mu.Unlock()
			go k.forward(st, errStream, port)
		}
	})
	<-sc.CloseChan()
}

// forward connects a data stream to the target of port, or reports on the
// error stream that there is none.
func (k *fakeKubelet) forward(data, errStream *spdystream.Stream, port string) {
	defer data.Close()
	defer errStream.Close()
	addr, ok := k.targets[port]
	if !ok {
		fmt.Fprintf(errStream, "error forwarding port %s to pod web: nothing listens there", port)
		return
	}
	target, err := net.Dial("tcp", addr)
	if err != nil {
		fmt.Fprintf(errStream, "error forwarding port %s to pod web: %v", port, err)
		return
	}
	defer target.Close()
	go func() {
		io.Copy(target, data)
		target.(*net.TCPConn).CloseWrite()
	}()
	io.Copy(data, target)
}

// setUpForwarding creates node n1 pointing at the kubelet, a Running pod
// web on it with container port http=80, a deployment and a service
// (ports 8080 -> http and 9090 -> 81) selecting it.
func setUpForwarding(t *testing.T, s *framework.TestServer, kubelet *httptest.Server) {
	t.Helper()
	port, _ := strconv.Atoi(kubelet.URL[strings.LastIndex(kubelet.URL, ":")+1:])
	s.Create(t, "/api/v1/nodes", map[string]any{"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": "n1"}})
	setStatus(t, s, "/api/v1/nodes/n1", map[string]any{
		"addresses":       []any{map[string]any{"type": "InternalIP", "address": "127.0.0.1"}},
		"daemonEndpoints": map[string]any{"kubeletEndpoint": map[string]any{"Port": port}},
	})
	s.Create(t, "/api/v1/namespaces/default/pods", map[string]any{"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "web", "labels": map[string]any{"app": "web"}},
		"spec": map[string]any{"nodeName": "n1", "containers": []any{map[string]any{"name": "c", "image": "busybox",
			"ports": []any{map[string]any{"name": "http", "containerPort": 80}}}}}})
	setStatus(t, s, "/api/v1/namespaces/default/pods/web", map[string]any{"phase": "Running", "podIP": "10.244.0.5",
		"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}})
	s.Create(t, "/apis/apps/v1/namespaces/default/deployments", map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web"},
		"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}}})
	s.Create(t, "/api/v1/namespaces/default/services", map[string]any{"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "web"},
		"spec": map[string]any{"selector": map[string]any{"app": "web"},
			"ports": []any{map[string]any{"name": "web", "port": 8080, "targetPort": "http"},
				map[string]any{"name": "other", "port": 9090, "targetPort": 81}}}})
}

// setStatus sets fields of the status of the object at path.
func setStatus(t *testing.T, s *framework.TestServer, path string, status map[string]any) {
	t.Helper()
	resp := s.Get(t, path)
	framework.Expect(t, resp, http.StatusOK, "GET "+path)
	obj := resp.Object(t)
	st, _ := obj["status"].(map[string]any)
	if st == nil {
		st = map[string]any{}
	}
	for k, v := range status {
		st[k] = v
	}
	obj["status"] = st
	put := s.Do(t, framework.Request{Method: http.MethodPut, Path: path + "/status", Body: framework.JSON(t, obj)})
	framework.Expect(t, put, http.StatusOK, "PUT "+path+"/status")
}

// lineWriter collects output and lets a test wait for a line matching a pattern.
type lineWriter struct {
	mu    sync.Mutex
	buf   strings.Builder
	added chan struct{}
}

func newLineWriter() *lineWriter { return &lineWriter{added: make(chan struct{}, 1)} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	w.mu.Unlock()
	select {
	case w.added <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// wait returns the first submatch of re once the output has it; it fails
// when done closes first.
func (w *lineWriter) wait(t *testing.T, re *regexp.Regexp, done <-chan int, other *lineWriter) []string {
	t.Helper()
	for {
		if m := re.FindStringSubmatch(w.String()); m != nil {
			return m
		}
		select {
		case <-w.added:
		case code := <-done:
			t.Fatalf("ctl exited with %d before printing %s; stdout:\n%s\nstderr:\n%s", code, re, w, other)
		}
	}
}

func TestPortForwardThroughTheAPIServer(t *testing.T) {
	app1 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from web%s", r.URL.Path)
	}))
	t.Cleanup(app1.Close)
	cases := []struct {
		name, ref, port, other string
		tunnel                 bool
		requests               []string
	}{
		// The apiserver accepts the client's WebSocket tunnel itself and
		// speaks plain SPDY to the kubelet, whatever the kubelet supports.
		{name: "a pod over SPDY tunnelled in a WebSocket", ref: "pod/web", port: ":80", other: ":81", tunnel: true,
			requests: []string{"POST spdy 101"}},
		{name: "a deployment's pod by named port to a kubelet without WebSocket", ref: "deployment/web", port: ":http", other: ":81",
			requests: []string{"POST spdy 101"}},
		{name: "a service port mapped to its target port", ref: "service/web", port: ":8080", other: ":9090",
			requests: []string{"POST spdy 101"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t)
			k := &fakeKubelet{tunnel: tc.tunnel, targets: map[string]string{"80": app1.Listener.Addr().String()}, errs: map[string]*spdystream.Stream{}}
			kubelet := httptest.NewTLSServer(k)
			t.Cleanup(kubelet.Close)
			setUpForwarding(t, s, kubelet)
			t.Setenv("KUBECONFIG", s.Kubeconfig)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out, errOut := newLineWriter(), newLineWriter()
			done := make(chan int, 1)
			go func() {
				done <- app.Run(ctx, []string{"port-forward", tc.ref, tc.port, tc.other}, strings.NewReader(""), out, errOut)
			}()

			m := out.wait(t, regexp.MustCompile(`Forwarding from 127\.0\.0\.1:(\d+) -> 80\n`), done, errOut)
			local := m[1]
			other := out.wait(t, regexp.MustCompile(`Forwarding from 127\.0\.0\.1:(\d+) -> 81\n`), done, errOut)[1]
			resp, err := http.Get("http://127.0.0.1:" + local + "/x")
			if err != nil {
				t.Fatalf("GET through the forwarded port: %v\nstderr: %s", err, errOut)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "hello from web/x" {
				t.Errorf("body through the forwarded port = %q", body)
			}
			out.wait(t, regexp.MustCompile(`Handling connection for `+local+`\n`), done, errOut)

			// Port 81 has nothing behind it: the kubelet says so on the error stream.
			if c, err := net.Dial("tcp", "127.0.0.1:"+other); err == nil {
				io.ReadAll(c)
				c.Close()
			}
			errOut.wait(t, regexp.MustCompile(`an error occurred forwarding `+other+` -> 81: error forwarding port 81 to pod web: nothing listens there\n`), done, out)

			cancel()
			if code := <-done; code != 0 {
				t.Errorf("exit code after interrupt = %d; stderr:\n%s", code, errOut)
			}
			requests, streams := k.snapshot()
			if !slices.Equal(requests, tc.requests) {
				t.Errorf("kubelet requests = %q, want %q", requests, tc.requests)
			}
			want := []string{"error 80 0", "data 80 0", "error 81 1", "data 81 1"}
			if !slices.Equal(streams, want) {
				t.Errorf("streams = %q, want %q", streams, want)
			}
		})
	}
}

func TestPortForwardRefusesAPodThatIsNotRunning(t *testing.T) {
	s := startServer(t)
	s.Create(t, "/api/v1/namespaces/default/pods", map[string]any{"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "p1"},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	want := result{err: "error: unable to forward port because pod is not running. Current status=Pending\n", code: 1}
	got := runCtlCtx(t, ctx, s, "port-forward", "pod/p1", "8080:80")
	if got != want {
		t.Errorf("ctl = %+v, want %+v", got, want)
	}
	if k := runKubectl(t, s, t.TempDir(), "", "port-forward", "pod/p1", "8080:80"); k != want {
		t.Errorf("kubectl = %+v, want %+v", k, want)
	}
}

func runCtlCtx(t *testing.T, ctx context.Context, s *framework.TestServer, args ...string) result {
	t.Helper()
	t.Setenv("KUBECONFIG", s.Kubeconfig)
	out, errOut := newLineWriter(), newLineWriter()
	code := app.Run(ctx, args, strings.NewReader(""), out, errOut)
	return result{out.String(), errOut.String(), code}
}

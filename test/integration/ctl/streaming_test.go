package ctl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/spdystream"
)

// execKubelet serves /exec/default/web/c like a kubelet in front of
// containerd's streaming server: SPDY/3.1 with the v4.channel.k8s.io
// stream protocol only (a WebSocket is refused with 403). Its commands:
// "echo ARGS..." prints ARGS, "cat" copies stdin to stdout, "fail N"
// writes to stderr and exits with N.
type execKubelet struct {
	mu       sync.Mutex
	requests []string // "POST spdy 101", "GET websocket 403", ...
}

func (k *execKubelet) record(s string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.requests = append(k.requests, s)
}

func (k *execKubelet) snapshot() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.requests)
}

func (k *execKubelet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/exec/default/web/c" {
		http.Error(w, "unexpected path "+r.URL.Path, http.StatusNotFound)
		return
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "SPDY/3.1") || !slices.Contains(r.Header.Values("X-Stream-Protocol-Version"), "v4.channel.k8s.io") {
		k.record(r.Method + " " + strings.ToLower(r.Header.Get("Upgrade")) + " 403")
		http.Error(w, "only SPDY/3.1 with v4.channel.k8s.io is served", http.StatusForbidden)
		return
	}
	q := r.URL.Query()
	want := 1
	for _, o := range []string{"stdin", "stdout", "stderr", "tty"} {
		if q.Get(o) == "true" {
			want++
		}
	}
	conn, rw := hijack(w)
	k.record(r.Method + " spdy 101")
	fmt.Fprint(rw, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n")
	rw.Flush()
	sc, err := spdystream.NewConnection(&readerConn{Conn: conn, r: rw.Reader}, true)
	if err != nil {
		conn.Close()
		return
	}
	defer conn.Close()
	var (
		mu      sync.Mutex
		streams = map[string]*spdystream.Stream{}
		ready   = make(chan struct{})
	)
	go sc.Serve(func(st *spdystream.Stream) {
		st.SendReply(http.Header{}, false)
		mu.Lock()
		defer mu.Unlock()
		streams[st.Headers().Get("streamType")] = st
		if len(streams) == want {
			close(ready)
		}
	})
	select {
	case <-ready:
	case <-sc.CloseChan():
		return
	}
	status := `{"metadata":{},"status":"Success"}`
	cmd := q["command"]
	switch {
	case len(cmd) > 0 && cmd[0] == "echo":
		fmt.Fprintln(streams["stdout"], strings.Join(cmd[1:], " "))
	case len(cmd) == 1 && cmd[0] == "cat" && streams["stdin"] != nil:
		io.Copy(streams["stdout"], streams["stdin"])
	case len(cmd) == 2 && cmd[0] == "fail":
		fmt.Fprintln(streams["stderr"], "failing with", cmd[1])
		status = `{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"` + cmd[1] + `"}]}}`
	default:
		status = `{"metadata":{},"status":"Failure","message":"unknown command ` + strings.Join(cmd, " ") + `"}`
	}
	for _, typ := range []string{"stdout", "stderr"} {
		if st := streams[typ]; st != nil {
			st.Close()
		}
	}
	streams["error"].Write([]byte(status))
	streams["error"].Close()
	sc.CloseWait()
}

// streamingKubelet routes exec to an execKubelet and port-forward to a
// fakeKubelet.
func streamingKubelet(exec *execKubelet, pf *fakeKubelet) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/exec/") {
			exec.ServeHTTP(w, r)
			return
		}
		pf.ServeHTTP(w, r)
	})
}

func TestExecOverWebSocketIsTranslatedToSPDY(t *testing.T) {
	s := startServer(t)
	ek := &execKubelet{}
	pf := &fakeKubelet{errs: map[string]*spdystream.Stream{}}
	kubelet := httptest.NewTLSServer(streamingKubelet(ek, pf))
	t.Cleanup(kubelet.Close)
	setUpForwarding(t, s, kubelet)
	home := t.TempDir()

	cases := []struct {
		name  string
		stdin string
		args  []string
		want  result
	}{
		{name: "a command's output comes back", args: []string{"exec", "web", "--", "echo", "hello", "there"},
			want: result{out: "hello there\n"}},
		{name: "stdin reaches the command and its end ends the command", stdin: "line one\nline two\n", args: []string{"exec", "-i", "web", "--", "cat"},
			want: result{out: "line one\nline two\n"}},
		{name: "stderr and the exit code come back", args: []string{"exec", "web", "--", "fail", "3"},
			want: result{err: "failing with 3\ncommand terminated with exit code 3\n", code: 3}},
	}
	for _, tc := range cases {
		t.Run("kubectl: "+tc.name, func(t *testing.T) {
			before := len(ek.snapshot())
			// -v=4 makes client-go log the WebSocket subprotocol it negotiated.
			got := runKubectl(t, s, home, tc.stdin, append([]string{"-v=4"}, tc.args...)...)
			if !strings.Contains(got.err, "The subprotocol is v5.channel.k8s.io") || strings.Contains(got.err, "fallback") {
				t.Errorf("kubectl did not use the v5 WebSocket:\n%s", got.err)
			}
			got.err = kubectlErrors(got.err)
			if got != tc.want {
				t.Errorf("kubectl = %+v, want %+v", got, tc.want)
			}
			if reqs := ek.snapshot()[before:]; !slices.Equal(reqs, []string{"POST spdy 101"}) {
				t.Errorf("kubelet requests = %q, want one SPDY upgrade", reqs)
			}
		})
		t.Run("ctl: "+tc.name, func(t *testing.T) {
			before := len(ek.snapshot())
			if got := runCtl(t, s, tc.stdin, tc.args...); got != tc.want {
				t.Errorf("ctl = %+v, want %+v", got, tc.want)
			}
			if reqs := ek.snapshot()[before:]; !slices.Equal(reqs, []string{"POST spdy 101"}) {
				t.Errorf("kubelet requests = %q, want one SPDY upgrade", reqs)
			}
		})
	}
}

// kubectlErrors drops klog lines (I1127 ...) from kubectl's stderr.
func kubectlErrors(s string) string {
	var keep []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if len(l) > 5 && (l[0] == 'I' || l[0] == 'W') && l[1] >= '0' && l[1] <= '9' {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "")
}

func TestKubectlPortForwardOverWebSocketIsTranslatedToSPDY(t *testing.T) {
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH")
	}
	app1 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from web%s", r.URL.Path)
	}))
	t.Cleanup(app1.Close)
	s := startServer(t)
	pf := &fakeKubelet{targets: map[string]string{"80": app1.Listener.Addr().String()}, errs: map[string]*spdystream.Stream{}}
	kubelet := httptest.NewTLSServer(streamingKubelet(&execKubelet{}, pf))
	t.Cleanup(kubelet.Close)
	setUpForwarding(t, s, kubelet)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-v=4", "port-forward", "pod/web", ":80")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "KUBECONFIG="+s.Kubeconfig)
	out, errOut := newLineWriter(), newLineWriter()
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		cmd.Wait()
		done <- cmd.ProcessState.ExitCode()
	}()
	local := out.wait(t, regexp.MustCompile(`Forwarding from 127\.0\.0\.1:(\d+) -> 80\n`), done, errOut)[1]
	resp, err := http.Get("http://127.0.0.1:" + local + "/y")
	if err != nil {
		t.Fatalf("GET through the forwarded port: %v\nstderr: %s", err, errOut)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello from web/y" {
		t.Errorf("body through the forwarded port = %q", body)
	}
	cmd.Process.Signal(os.Interrupt)
	<-done
	// At -v=4 client-go logs the protocol negotiated in the WebSocket tunnel.
	if log := errOut.String(); !strings.Contains(log, "negotiated protocol: portforward.k8s.io") || strings.Contains(log, "fallback") {
		t.Errorf("kubectl did not forward over the WebSocket tunnel:\n%s", log)
	}
	requests, streams := pf.snapshot()
	if !slices.Equal(requests, []string{"POST spdy 101"}) {
		t.Errorf("kubelet requests = %q, want one SPDY upgrade", requests)
	}
	if !slices.Equal(streams, []string{"error 80 0", "data 80 0"}) {
		t.Errorf("streams = %q", streams)
	}
}

package streaming

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/moby/spdystream"
)

// readerConn reads through r, which may hold bytes read past the request.
type readerConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *readerConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// upgradeSPDY answers a SPDY/3.1 upgrade choosing protocol.
func upgradeSPDY(w http.ResponseWriter, protocol string) net.Conn {
	conn, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(rw, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: %s\r\n\r\n", protocol)
	rw.Flush()
	return &readerConn{Conn: conn, r: rw.Reader}
}

// execKubelet runs "commands" over SPDY v4 streams: "echo" copies resize
// messages and then stdin to stdout, "fail" writes to stdout and stderr
// and exits with 2. refuse answers every request with 500.
type execKubelet struct {
	refuse bool
	mu     sync.Mutex
	seen   []string // stream types in order of creation
}

func (k *execKubelet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if k.refuse {
		http.Error(w, "container c is not running", http.StatusInternalServerError)
		return
	}
	if r.Header.Get("Upgrade") != "SPDY/3.1" || r.Header.Get("X-Stream-Protocol-Version") != ProtocolV4 || r.Method != http.MethodPost {
		http.Error(w, "want a POST upgrade to SPDY/3.1 with v4.channel.k8s.io", http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	want := 1
	for _, o := range []string{"stdin", "stdout", "stderr", "tty"} {
		if q.Get(o) == "true" && !(o == "stderr" && q.Get("tty") == "true") {
			want++
		}
	}
	conn := upgradeSPDY(w, ProtocolV4)
	defer conn.Close()
	sc, err := spdystream.NewConnection(conn, true)
	if err != nil {
		return
	}
	streams := map[string]*spdystream.Stream{}
	ready := make(chan struct{})
	go sc.Serve(func(st *spdystream.Stream) {
		st.SendReply(http.Header{}, false)
		k.mu.Lock()
		defer k.mu.Unlock()
		typ := st.Headers().Get("streamType")
		k.seen = append(k.seen, typ)
		streams[typ] = st
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
	switch q.Get("command") {
	case "echo":
		if rs := streams["resize"]; rs != nil {
			var size struct{ Width, Height int }
			if err := json.NewDecoder(rs).Decode(&size); err == nil {
				fmt.Fprintf(streams["stdout"], "size %dx%d\n", size.Width, size.Height)
			}
		}
		io.Copy(streams["stdout"], streams["stdin"])
	case "fail":
		io.WriteString(streams["stdout"], "out")
		io.WriteString(streams["stderr"], "err")
		status = `{"metadata":{},"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"2"}]}}`
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

// translator serves exec and port-forward WebSockets towards kubelet,
// answering 418 when the Serve function declines the request.
func translator(t *testing.T, kubelet http.Handler) *httptest.Server {
	t.Helper()
	k := httptest.NewServer(kubelet)
	t.Cleanup(k.Close)
	rt := &http.Transport{}
	t.Cleanup(rt.CloseIdleConnections)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target, _ := url.Parse(k.URL + r.URL.Path + "?" + r.URL.RawQuery)
		dial := NewDialer(rt, target)
		served := false
		if IsWebSocketRequest(r) {
			if strings.HasSuffix(r.URL.Path, "/portforward") {
				served = ServePortForward(w, r, dial)
			} else {
				served = ServeExec(w, r, dial)
			}
		}
		if !served {
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func dialWS(t *testing.T, s *httptest.Server, path string, protocols ...string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{Subprotocols: protocols}
	c, resp, err := d.Dial("ws"+strings.TrimPrefix(s.URL, "http")+path, nil)
	if c != nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, resp, err
}

// readAll collects the client's messages by channel until the server closes.
func readAll(t *testing.T, c *websocket.Conn) (map[byte]string, error) {
	t.Helper()
	got := map[byte]string{}
	for {
		_, msg, err := c.ReadMessage()
		if err != nil {
			if websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				return got, nil
			}
			return got, err
		}
		if len(msg) == 0 {
			t.Fatal("empty message")
		}
		got[msg[0]] += string(msg[1:])
	}
}

func TestServeExec(t *testing.T) {
	k := &execKubelet{}
	s := translator(t, k)
	cases := []struct {
		name      string
		protocols []string
		query     string
		send      [][]byte
		want      map[byte]string
		streams   string
	}{
		{name: "v5 with a terminal passes resizes, stdin and its close",
			protocols: []string{ProtocolV5, ProtocolV4}, query: "command=echo&stdin=true&stdout=true&stderr=true&tty=true",
			send: [][]byte{append([]byte{chanResize}, `{"Width":80,"Height":24}`...), append([]byte{chanStdin}, "abc"...), {chanClose, chanStdin}},
			want: map[byte]string{chanStdout: "size 80x24\nabc", chanError: `{"metadata":{},"status":"Success"}`},
			// A terminal has no stderr.
			streams: "error stdin stdout resize"},
		{name: "v4 gets stdout, stderr and the exit status",
			protocols: []string{ProtocolV4}, query: "command=fail&stdout=true&stderr=true",
			want: map[byte]string{chanStdout: "out", chanStderr: "err",
				chanError: `{"metadata":{},"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"2"}]}}`},
			streams: "error stdout stderr"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k.mu.Lock()
			k.seen = nil
			k.mu.Unlock()
			c, _, err := dialWS(t, s, "/exec?"+tc.query, tc.protocols...)
			if err != nil {
				t.Fatal(err)
			}
			if c.Subprotocol() != tc.protocols[0] {
				t.Errorf("subprotocol = %q, want %q", c.Subprotocol(), tc.protocols[0])
			}
			for _, m := range tc.send {
				if err := c.WriteMessage(websocket.BinaryMessage, m); err != nil {
					t.Fatal(err)
				}
			}
			got, err := readAll(t, c)
			if err != nil {
				t.Fatalf("read: %v (got %q)", err, got)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("channels = %q, want %q", got, tc.want)
			}
			k.mu.Lock()
			defer k.mu.Unlock()
			if s := strings.Join(k.seen, " "); s != tc.streams {
				t.Errorf("kubelet streams = %q, want %q", s, tc.streams)
			}
		})
	}
}

func TestServeExecPassesOnARefusal(t *testing.T) {
	s := translator(t, &execKubelet{refuse: true})
	_, resp, err := dialWS(t, s, "/exec?command=echo&stdout=true", ProtocolV5)
	if err == nil {
		t.Fatal("the WebSocket was accepted though the kubelet refused")
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusInternalServerError || string(body) != "container c is not running\n" {
		t.Errorf("answer = %d %q, want the kubelet's 500", resp.StatusCode, body)
	}
}

func TestServeDeclinesUnknownProtocols(t *testing.T) {
	s := translator(t, &execKubelet{})
	for _, path := range []string{"/exec?command=echo&stdout=true", "/portforward"} {
		_, resp, err := dialWS(t, s, path, "v3.channel.k8s.io", "channel.k8s.io")
		if err == nil || resp.StatusCode != http.StatusTeapot {
			t.Errorf("%s: err %v, answer %v; want the request left to the proxy", path, err, resp)
		}
	}
}

func TestServePortForwardBridgesBytes(t *testing.T) {
	var gotProtocol, gotUpgrade string
	kubelet := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotProtocol, gotUpgrade = r.Header.Get("X-Stream-Protocol-Version"), r.Header.Get("Upgrade")
		conn := upgradeSPDY(w, PortForwardProtocol)
		defer conn.Close()
		// Echo upper-cased bytes until the client goes away.
		buf := make([]byte, 1024)
		for {
			n, err := conn.Read(buf)
			if n > 0 {
				conn.Write([]byte(strings.ToUpper(string(buf[:n]))))
			}
			if err != nil {
				return
			}
		}
	})
	s := translator(t, kubelet)
	c, _, err := dialWS(t, s, "/portforward", TunnelPortForwardProtocol)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subprotocol() != TunnelPortForwardProtocol {
		t.Errorf("subprotocol = %q", c.Subprotocol())
	}
	for _, m := range []string{"hello ", "tunnel"} {
		if err := c.WriteMessage(websocket.BinaryMessage, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	var got string
	for len(got) < len("HELLO TUNNEL") {
		typ, msg, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v (got %q)", err, got)
		}
		if typ != websocket.BinaryMessage {
			t.Errorf("message type %d", typ)
		}
		got += string(msg)
	}
	if got != "HELLO TUNNEL" {
		t.Errorf("bytes back = %q", got)
	}
	if gotProtocol != PortForwardProtocol || gotUpgrade != "SPDY/3.1" {
		t.Errorf("kubelet upgrade = %q %q", gotUpgrade, gotProtocol)
	}
}

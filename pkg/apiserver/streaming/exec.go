package streaming

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/moby/spdystream"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// Channels of the channel.k8s.io WebSocket protocols.
const (
	chanStdin  = 0
	chanStdout = 1
	chanStderr = 2
	chanError  = 3
	chanResize = 4
	// chanClose (v5) closes the channel named by the message's next byte.
	chanClose = 255
)

// Remote command protocol names.
const (
	// ProtocolV5 adds closing a channel (stdin) to ProtocolV4.
	ProtocolV5 = "v5.channel.k8s.io"
	// ProtocolV4 carries a Status on the error channel.
	ProtocolV4 = "v4.channel.k8s.io"
)

// streamReplyTimeout bounds the wait for the kubelet to accept a stream.
const streamReplyTimeout = 30 * time.Second

// execOptions are the streams a remote command uses.
type execOptions struct{ stdin, stdout, stderr, tty bool }

func execOptionsFrom(q url.Values) execOptions {
	flag := func(name string) bool {
		b, _ := strconv.ParseBool(q.Get(name))
		return b
	}
	o := execOptions{stdin: flag("stdin"), stdout: flag("stdout"), stderr: flag("stderr"), tty: flag("tty")}
	// A terminal merges stderr into stdout; the runtime opens no stderr.
	o.stderr = o.stderr && !o.tty
	return o
}

// execStreams are the SPDY streams of one remote command; absent ones are nil.
type execStreams struct {
	errorStream, stdin, stdout, stderr, resize *spdystream.Stream
}

// ServeExec serves an exec or attach WebSocket that offers
// v5.channel.k8s.io or v4.channel.k8s.io by translating it to SPDY streams
// to the kubelet reached by dial. It reports false, having written nothing,
// when the client offers neither protocol.
func ServeExec(w http.ResponseWriter, r *http.Request, dial Dialer) bool {
	protocol := chooseProtocol(r, ProtocolV5, ProtocolV4)
	if protocol == "" {
		return false
	}
	opts := execOptionsFrom(r.URL.Query())
	conn, negotiated, err := dial(r.Context(), ProtocolV4)
	if err != nil {
		writeDialError(w, err)
		return true
	}
	defer conn.Close()
	sc, err := spdystream.NewConnection(conn, false)
	if err != nil {
		writeStatus(w, http.StatusInternalServerError, fmt.Sprintf("start SPDY session with the kubelet: %v", err))
		return true
	}
	go sc.Serve(spdystream.NoOpStreamHandler)
	defer sc.Close()
	streams, err := openExecStreams(sc, opts)
	if err != nil {
		writeStatus(w, http.StatusInternalServerError, err.Error())
		return true
	}
	ws, err := accept(w, r, protocol)
	if err != nil {
		return true
	}
	defer ws.close()
	t := &execTranslator{ws: ws, conn: conn, streams: streams, v5: protocol == ProtocolV5, statusProtocol: negotiated == ProtocolV4}
	t.run()
	return true
}

// openExecStreams creates the error stream and one stream per option, in
// the order kubectl creates them, and waits for the kubelet to accept each.
func openExecStreams(sc *spdystream.Connection, o execOptions) (*execStreams, error) {
	s := &execStreams{}
	for _, want := range []struct {
		typ string
		on  bool
		dst **spdystream.Stream
	}{
		{"error", true, &s.errorStream},
		{"stdin", o.stdin, &s.stdin},
		{"stdout", o.stdout, &s.stdout},
		{"stderr", o.stderr, &s.stderr},
		{"resize", o.tty, &s.resize},
	} {
		if !want.on {
			continue
		}
		st, err := sc.CreateStream(http.Header{"Streamtype": {want.typ}}, nil, false)
		if err != nil {
			return nil, fmt.Errorf("create %s stream to the kubelet: %w", want.typ, err)
		}
		if err := st.WaitTimeout(streamReplyTimeout); err != nil {
			return nil, fmt.Errorf("the kubelet did not accept the %s stream: %w", want.typ, err)
		}
		*want.dst = st
	}
	return s, nil
}

// execTranslator copies one remote command between a WebSocket and its
// SPDY streams.
type execTranslator struct {
	ws      *wsConn
	conn    net.Conn
	streams *execStreams
	// v5 means the client may close stdin with a close message.
	v5 bool
	// statusProtocol is set when the kubelet writes a Status on the error
	// stream (v4); otherwise it writes a bare message.
	statusProtocol bool
}

// run copies until the command's output ends, then sends its status and
// returns. A client that goes away ends the SPDY session, which ends run.
func (t *execTranslator) run() {
	go t.fromClient()
	errData := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(t.streams.errorStream)
		errData <- b
	}()
	var wg sync.WaitGroup
	for _, out := range []struct {
		st *spdystream.Stream
		ch byte
	}{{t.streams.stdout, chanStdout}, {t.streams.stderr, chanStderr}} {
		if out.st == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.toClient(out.st, out.ch)
		}()
	}
	wg.Wait()
	_ = t.ws.writeBinary([]byte{chanError}, t.status(<-errData))
}

// status turns what the kubelet wrote on the error stream into the
// Status the error channel carries: Success when it wrote nothing.
func (t *execTranslator) status(data []byte) []byte {
	if len(data) > 0 && (t.statusProtocol || json.Valid(data)) {
		return data
	}
	st := metav1.Status{Status: metav1.StatusSuccess}
	if len(data) > 0 {
		st.Status, st.Message = metav1.StatusFailure, string(data)
	}
	b, _ := json.Marshal(&st)
	return b
}

// toClient sends what the kubelet writes on st as messages of channel ch.
func (t *execTranslator) toClient(st *spdystream.Stream, ch byte) {
	buf := make([]byte, 32<<10)
	for {
		n, err := st.Read(buf)
		if n > 0 {
			if werr := t.ws.writeBinary([]byte{ch}, buf[:n]); werr != nil {
				// The client is gone: end the session.
				t.conn.Close()
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// fromClient passes stdin and resize messages to their streams until the
// client closes the WebSocket, then ends the SPDY session.
func (t *execTranslator) fromClient() {
	defer t.conn.Close()
	stdinOpen := t.streams.stdin != nil
	for {
		typ, msg, err := t.ws.c.ReadMessage()
		if err != nil {
			return
		}
		if typ != websocket.BinaryMessage || len(msg) == 0 {
			continue
		}
		switch msg[0] {
		case chanStdin:
			if stdinOpen && len(msg) > 1 {
				if _, err := t.streams.stdin.Write(msg[1:]); err != nil {
					return
				}
			}
		case chanResize:
			if t.streams.resize != nil {
				if _, err := t.streams.resize.Write(msg[1:]); err != nil {
					return
				}
			}
		case chanClose:
			if t.v5 && len(msg) > 1 && msg[1] == chanStdin && stdinOpen {
				stdinOpen = false
				_ = t.streams.stdin.Close()
			}
		}
	}
}

package client

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"keel.dev/client/rest"
)

// WebSocketGUID is the RFC 6455 key suffix used to compute Sec-WebSocket-Accept.
const WebSocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// WSConn is a client WebSocket connection carrying binary messages.
type WSConn struct {
	conn net.Conn
	r    *bufio.Reader
	wmu  sync.Mutex
	// server marks the server side, which sends its frames unmasked.
	server bool
	// Protocol is the subprotocol the server chose.
	Protocol string
}

// NewServerWSConn returns the server side of a WebSocket whose handshake is
// done: conn is the hijacked connection and r reads from it (holding any
// bytes already buffered). Servers in tests use it.
func NewServerWSConn(conn net.Conn, r *bufio.Reader, protocol string) *WSConn {
	return &WSConn{conn: conn, r: r, server: true, Protocol: protocol}
}

// DialWebSocket upgrades a GET of path to a WebSocket offering protocols,
// over HTTP/1.1 with the client's TLS settings and credentials. A non-101
// answer is returned as a Status error.
func (c *Client) DialWebSocket(ctx context.Context, path string, q url.Values, protocols ...string) (*WSConn, error) {
	keyBytes := make([]byte, 16)
	rand.Read(keyBytes)
	key := base64.StdEncoding.EncodeToString(keyBytes)
	hdr := http.Header{}
	hdr.Set("Connection", "Upgrade")
	hdr.Set("Upgrade", "websocket")
	hdr.Set("Sec-WebSocket-Version", "13")
	hdr.Set("Sec-WebSocket-Key", key)
	hdr.Set("Sec-WebSocket-Protocol", strings.Join(protocols, ", "))
	conn, br, resp, err := c.upgrade(ctx, http.MethodGet, path, q, hdr)
	if err != nil {
		return nil, err
	}
	if resp.Header.Get("Sec-WebSocket-Accept") != AcceptKey(key) {
		conn.Close()
		return nil, &UpgradeError{Err: errors.New("websocket handshake: bad Sec-WebSocket-Accept")}
	}
	return &WSConn{conn: conn, r: br, Protocol: resp.Header.Get("Sec-WebSocket-Protocol")}, nil
}

// UpgradeError is a server's refusal to switch protocols: its answer was
// not 101 (Err is then the Status error) or did not complete the handshake.
// Clients fall back to another protocol on it, as kubectl does.
type UpgradeError struct{ Err error }

func (e *UpgradeError) Error() string { return e.Err.Error() }

func (e *UpgradeError) Unwrap() error { return e.Err }

// upgrade sends method path with the upgrade headers hdr over a fresh
// HTTP/1.1 connection with the client's TLS settings and credentials. On a
// 101 answer it returns the connection, a reader holding any bytes the
// server sent after its answer, and the answer; otherwise an *UpgradeError
// wrapping the Status error.
func (c *Client) upgrade(ctx context.Context, method, path string, q url.Values, hdr http.Header) (net.Conn, *bufio.Reader, *http.Response, error) {
	if c.Config == nil {
		return nil, nil, nil, errors.New("streaming needs a client built from a rest.Config")
	}
	u, err := url.Parse(c.Base + path)
	if err != nil {
		return nil, nil, nil, err
	}
	u.RawQuery = q.Encode()
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), map[bool]string{true: "443", false: "80"}[u.Scheme == "https"])
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, nil, nil, c.connError(err)
	}
	if u.Scheme == "https" {
		tc, err := rest.TLSClientConfig(c.Config)
		if err != nil {
			conn.Close()
			return nil, nil, nil, err
		}
		tc = tc.Clone()
		tc.NextProtos = []string{"http/1.1"}
		if tc.ServerName == "" {
			tc.ServerName = u.Hostname()
		}
		tlsConn := tls.Client(conn, tc)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, nil, nil, c.connError(err)
		}
		conn = tlsConn
	}
	req, _ := http.NewRequestWithContext(ctx, method, u.String(), nil)
	for k, v := range hdr {
		req.Header[k] = v
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	tok := c.Config.BearerToken
	if c.Config.BearerTokenFile != "" {
		if b, err := os.ReadFile(c.Config.BearerTokenFile); err == nil {
			tok = strings.TrimSpace(string(b))
		}
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	} else if c.Config.Username != "" {
		req.SetBasicAuth(c.Config.Username, c.Config.Password)
	}
	// Writing and reading the answer happen on the raw connection, so a
	// cancelled ctx must close it to unblock them.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	if c.Verbose >= 6 && c.Log != nil {
		fmt.Fprintf(c.Log, "%s %s %d\n", method, u, resp.StatusCode)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		return nil, nil, nil, &UpgradeError{Err: StatusErrorFor(resp.StatusCode, body)}
	}
	if !stop() {
		return nil, nil, nil, ctx.Err()
	}
	return conn, br, resp, nil
}

// AcceptKey computes Sec-WebSocket-Accept for a Sec-WebSocket-Key.
func AcceptKey(key string) string {
	h := sha1.Sum([]byte(key + WebSocketGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// WriteMessage sends one masked binary message.
func (w *WSConn) WriteMessage(data []byte) error {
	return w.writeFrame(0x2, data)
}

func (w *WSConn) writeFrame(opcode byte, data []byte) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return WriteFrame(w.conn, opcode, data, !w.server)
}

// WriteFrame writes one final frame, masked when mask is set (clients mask).
func WriteFrame(wr io.Writer, opcode byte, data []byte, mask bool) error {
	hdr := []byte{0x80 | opcode}
	mbit := byte(0)
	if mask {
		mbit = 0x80
	}
	switch n := len(data); {
	case n < 126:
		hdr = append(hdr, mbit|byte(n))
	case n <= 0xffff:
		hdr = append(hdr, mbit|126, byte(n>>8), byte(n))
	default:
		hdr = append(hdr, mbit|127)
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(n))
	}
	payload := data
	if mask {
		var key [4]byte
		rand.Read(key[:])
		hdr = append(hdr, key[:]...)
		payload = make([]byte, len(data))
		for i := range data {
			payload[i] = data[i] ^ key[i%4]
		}
	}
	_, err := wr.Write(append(hdr, payload...))
	return err
}

// ReadFrame reads one frame: its opcode, whether it is final, and its unmasked payload.
func ReadFrame(r *bufio.Reader) (byte, bool, []byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, false, nil, err
	}
	fin, opcode := h[0]&0x80 != 0, h[0]&0x0f
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, false, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, false, nil, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	var key [4]byte
	masked := h[1]&0x80 != 0
	if masked {
		if _, err := io.ReadFull(r, key[:]); err != nil {
			return 0, false, nil, err
		}
	}
	if n > 64<<20 {
		return 0, false, nil, fmt.Errorf("websocket frame too large: %d bytes", n)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(r, data); err != nil {
		return 0, false, nil, err
	}
	if masked {
		for i := range data {
			data[i] ^= key[i%4]
		}
	}
	return opcode, fin, data, nil
}

// ReadMessage returns the next data message, answering pings; io.EOF on close.
func (w *WSConn) ReadMessage() ([]byte, error) {
	var msg []byte
	for {
		op, fin, data, err := ReadFrame(w.r)
		if err != nil {
			return nil, err
		}
		switch op {
		case 0x8:
			w.writeFrame(0x8, nil)
			return nil, io.EOF
		case 0x9:
			w.writeFrame(0xA, data)
			continue
		case 0xA:
			continue
		}
		msg = append(msg, data...)
		if fin {
			return msg, nil
		}
	}
}

// Close closes the connection.
func (w *WSConn) Close() error {
	w.writeFrame(0x8, []byte{0x03, 0xe8})
	return w.conn.Close()
}

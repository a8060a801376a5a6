package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/moby/spdystream"
)

// Port-forward protocol names.
const (
	// PortForwardProtocol is the SPDY subprotocol of pods/portforward.
	PortForwardProtocol = "portforward.k8s.io"
	// TunnelPortForwardProtocol is the WebSocket subprotocol that carries
	// SPDY port-forward frames in binary messages.
	TunnelPortForwardProtocol = "SPDY/3.1+" + PortForwardProtocol
)

// DialPortForward opens the SPDY session of pods/portforward at path the
// way kubectl does: first tunnelled in a WebSocket, then, when the server
// refuses that upgrade, as a plain SPDY/3.1 upgrade of a POST.
func (c *Client) DialPortForward(ctx context.Context, path string) (*spdystream.Connection, error) {
	conn, err := c.DialSPDYOverWebSocket(ctx, path, nil, TunnelPortForwardProtocol)
	var ue *UpgradeError
	if err == nil || !errors.As(err, &ue) {
		return conn, err
	}
	conn, _, err = c.DialSPDY(ctx, path, nil, PortForwardProtocol)
	return conn, err
}

// DialSPDY upgrades a POST of path to SPDY/3.1 offering the stream
// protocols (in order of preference) and returns the client side of the
// session, already serving frames, with the protocol the server chose ("" if
// it named none). A refused upgrade is an *UpgradeError.
func (c *Client) DialSPDY(ctx context.Context, path string, q url.Values, protocols ...string) (*spdystream.Connection, string, error) {
	hdr := http.Header{}
	hdr.Set("Connection", "Upgrade")
	hdr.Set("Upgrade", "SPDY/3.1")
	for _, p := range protocols {
		hdr.Add("X-Stream-Protocol-Version", p)
	}
	conn, br, resp, err := c.upgrade(ctx, http.MethodPost, path, q, hdr)
	if err != nil {
		return nil, "", err
	}
	got := resp.Header.Get("X-Stream-Protocol-Version")
	if got != "" && !contains(protocols, got) {
		conn.Close()
		return nil, "", &UpgradeError{Err: fmt.Errorf("the server chose stream protocol %q, not one of %v", got, protocols)}
	}
	sc, err := startSPDY(&bufferedConn{Conn: conn, r: br})
	return sc, got, err
}

// DialSPDYOverWebSocket upgrades a GET of path to a WebSocket with the
// tunnelling subprotocol and runs a SPDY client session inside it.
func (c *Client) DialSPDYOverWebSocket(ctx context.Context, path string, q url.Values, protocol string) (*spdystream.Connection, error) {
	ws, err := c.DialWebSocket(ctx, path, q, protocol)
	if err != nil {
		return nil, err
	}
	if ws.Protocol != protocol {
		ws.Close()
		return nil, &UpgradeError{Err: fmt.Errorf("the server chose WebSocket protocol %q, not %q", ws.Protocol, protocol)}
	}
	return startSPDY(NewWSNetConn(ws))
}

func startSPDY(conn net.Conn) (*spdystream.Connection, error) {
	sc, err := spdystream.NewConnection(conn, false)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("start SPDY session: %w", err)
	}
	go sc.Serve(spdystream.NoOpStreamHandler)
	return sc, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if strings.TrimSpace(e) == s {
			return true
		}
	}
	return false
}

// bufferedConn reads through r, which may hold bytes the server sent right
// after its 101 answer.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// WSNetConn presents a WebSocket as a byte stream: reads return the
// payloads of the binary messages received in order, and each write is sent
// as one binary message.
type WSNetConn struct {
	ws     *WSConn
	mu     sync.Mutex
	unread []byte
}

// NewWSNetConn wraps ws as a net.Conn.
func NewWSNetConn(ws *WSConn) *WSNetConn { return &WSNetConn{ws: ws} }

var _ net.Conn = (*WSNetConn)(nil)

func (c *WSNetConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.unread) == 0 {
		msg, err := c.ws.ReadMessage()
		if err != nil {
			return 0, err
		}
		c.unread = msg
	}
	n := copy(p, c.unread)
	c.unread = c.unread[n:]
	return n, nil
}

func (c *WSNetConn) Write(p []byte) (int, error) {
	if err := c.ws.WriteMessage(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close closes the WebSocket.
func (c *WSNetConn) Close() error { return c.ws.Close() }

// LocalAddr returns the local network address.
func (c *WSNetConn) LocalAddr() net.Addr { return c.ws.conn.LocalAddr() }

// RemoteAddr returns the remote network address.
func (c *WSNetConn) RemoteAddr() net.Addr { return c.ws.conn.RemoteAddr() }

// SetDeadline sets the read and write deadlines of the connection.
func (c *WSNetConn) SetDeadline(t time.Time) error { return c.ws.conn.SetDeadline(t) }

// SetReadDeadline sets the read deadline of the connection.
func (c *WSNetConn) SetReadDeadline(t time.Time) error { return c.ws.conn.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline of the connection.
func (c *WSNetConn) SetWriteDeadline(t time.Time) error { return c.ws.conn.SetWriteDeadline(t) }

package streaming

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Dialer opens a SPDY/3.1 upgrade to the kubelet offering the stream
// protocols and returns the upgraded connection and the protocol the
// kubelet chose. A kubelet that answers other than 101 gives a
// *RefusedError.
type Dialer func(ctx context.Context, protocols ...string) (net.Conn, string, error)

// RefusedError is the kubelet's refusal of an upgrade: its status code,
// content type and (bounded) body, passed on to the client as they are.
type RefusedError struct {
	Code        int
	ContentType string
	Body        []byte
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("upgrade refused with %d: %s", e.Code, e.Body)
}

// maxRefusalBody bounds how much of a refusal's body is kept.
const maxRefusalBody = 64 << 10

// NewDialer returns a Dialer that upgrades a POST of target over rt, which
// must be an HTTP/1.1 transport (an *http.Transport without HTTP/2 does).
func NewDialer(rt http.RoundTripper, target *url.URL) Dialer {
	return func(ctx context.Context, protocols ...string) (net.Conn, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), nil)
		if err != nil {
			return nil, "", err
		}
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "SPDY/3.1")
		for _, p := range protocols {
			req.Header.Add("X-Stream-Protocol-Version", p)
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return nil, "", fmt.Errorf("error dialing backend: %w", err)
		}
		if resp.StatusCode != http.StatusSwitchingProtocols {
			defer resp.Body.Close()
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxRefusalBody))
			return nil, "", &RefusedError{Code: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: body}
		}
		rwc, ok := resp.Body.(io.ReadWriteCloser)
		if !ok {
			resp.Body.Close()
			return nil, "", fmt.Errorf("error dialing backend: the transport gave no connection for the upgrade")
		}
		return &rwcConn{ReadWriteCloser: rwc}, resp.Header.Get("X-Stream-Protocol-Version"), nil
	}
}

// rwcConn presents the upgraded body of a 101 answer as a net.Conn; it has
// no addresses or deadlines of its own.
type rwcConn struct{ io.ReadWriteCloser }

var _ net.Conn = (*rwcConn)(nil)

type noAddr struct{}

func (noAddr) Network() string { return "upgraded" }
func (noAddr) String() string  { return "upgraded" }

// LocalAddr implements net.Conn.
func (c *rwcConn) LocalAddr() net.Addr { return noAddr{} }

// RemoteAddr implements net.Conn.
func (c *rwcConn) RemoteAddr() net.Addr { return noAddr{} }

// SetDeadline implements net.Conn; deadlines are not supported.
func (c *rwcConn) SetDeadline(time.Time) error { return nil }

// SetReadDeadline implements net.Conn; deadlines are not supported.
func (c *rwcConn) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline implements net.Conn; deadlines are not supported.
func (c *rwcConn) SetWriteDeadline(time.Time) error { return nil }

package streaming

import (
	"io"
	"net/http"

	"github.com/gorilla/websocket"
)

// Port-forward protocol names.
const (
	// PortForwardProtocol is the SPDY stream protocol of pods/portforward.
	PortForwardProtocol = "portforward.k8s.io"
	// TunnelPortForwardProtocol is the WebSocket subprotocol whose binary
	// messages carry a SPDY port-forward session.
	TunnelPortForwardProtocol = "SPDY/3.1+" + PortForwardProtocol
)

// ServePortForward serves a port-forward WebSocket that offers
// SPDY/3.1+portforward.k8s.io: it upgrades to SPDY at the kubelet reached
// by dial and copies the session's bytes between the two connections. It
// reports false, having written nothing, when the client offers no such
// protocol.
func ServePortForward(w http.ResponseWriter, r *http.Request, dial Dialer) bool {
	if chooseProtocol(r, TunnelPortForwardProtocol) == "" {
		return false
	}
	conn, _, err := dial(r.Context(), PortForwardProtocol)
	if err != nil {
		writeDialError(w, err)
		return true
	}
	defer conn.Close()
	ws, err := accept(w, r, TunnelPortForwardProtocol)
	if err != nil {
		return true
	}
	defer ws.close()

	done := make(chan struct{})
	go func() {
		defer close(done)
		// Client to kubelet: each message's payload, in order.
		for {
			typ, rd, err := ws.c.NextReader()
			if err != nil {
				conn.Close()
				return
			}
			if typ != websocket.BinaryMessage {
				continue
			}
			if _, err := io.Copy(conn, rd); err != nil {
				return
			}
		}
	}()
	// Kubelet to client: each read as one message.
	buf := make([]byte, 32<<10)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			if werr := ws.writeBinary(nil, buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	ws.close()
	conn.Close()
	<-done
	return true
}

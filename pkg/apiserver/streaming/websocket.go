package streaming

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// IsWebSocketRequest reports whether r asks to upgrade to a WebSocket.
func IsWebSocketRequest(r *http.Request) bool {
	return headerHasToken(r.Header, "Connection", "upgrade") && headerHasToken(r.Header, "Upgrade", "websocket")
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// chooseProtocol returns the first of supported (in server preference)
// that the client offers in Sec-WebSocket-Protocol, or "".
func chooseProtocol(r *http.Request, supported ...string) string {
	offered := map[string]bool{}
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			offered[strings.TrimSpace(p)] = true
		}
	}
	for _, p := range supported {
		if offered[p] {
			return p
		}
	}
	return ""
}

// accept completes the client's WebSocket handshake with protocol. Any
// origin is accepted: clients authenticate with credentials, not cookies.
func accept(w http.ResponseWriter, r *http.Request, protocol string) (*wsConn, error) {
	u := websocket.Upgrader{
		Subprotocols:     []string{protocol},
		HandshakeTimeout: 10 * time.Second,
		CheckOrigin:      func(*http.Request) bool { return true },
		Error: func(w http.ResponseWriter, _ *http.Request, code int, reason error) {
			writeStatus(w, code, reason.Error())
		},
	}
	c, err := u.Upgrade(w, r, nil)
	if err != nil {
		return nil, err
	}
	return &wsConn{c: c}, nil
}

// writeTimeout bounds one message write to a client that stopped reading.
const writeTimeout = 60 * time.Second

// wsConn serialises writes to a WebSocket (gorilla allows one writer at a
// time; control frames may be sent concurrently).
type wsConn struct {
	c  *websocket.Conn
	mu sync.Mutex
}

// writeBinary sends one binary message made of prefix and data.
func (w *wsConn) writeBinary(prefix []byte, data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.c.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	mw, err := w.c.NextWriter(websocket.BinaryMessage)
	if err != nil {
		return err
	}
	if _, err := mw.Write(prefix); err != nil {
		mw.Close()
		return err
	}
	if _, err := mw.Write(data); err != nil {
		mw.Close()
		return err
	}
	return mw.Close()
}

// close sends a normal closure and closes the connection.
func (w *wsConn) close() {
	_ = w.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	_ = w.c.Close()
}

// writeDialError answers a failed dial of the kubelet: its own refusal as
// it is, or a 500 Status for anything else.
func writeDialError(w http.ResponseWriter, err error) {
	var refused *RefusedError
	if errors.As(err, &refused) {
		if refused.ContentType != "" {
			w.Header().Set("Content-Type", refused.ContentType)
		}
		w.WriteHeader(refused.Code)
		_, _ = w.Write(refused.Body)
		return
	}
	writeStatus(w, http.StatusInternalServerError, err.Error())
}

// writeStatus writes a Failure Status with code and message.
func writeStatus(w http.ResponseWriter, code int, msg string) {
	st := metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status: metav1.StatusFailure, Message: msg, Code: int32(code)}
	switch code {
	case http.StatusBadRequest:
		st.Reason = metav1.StatusReasonBadRequest
	case http.StatusInternalServerError:
		st.Reason = metav1.StatusReasonInternalError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(&st)
}

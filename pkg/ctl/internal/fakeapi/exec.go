package fakeapi

import (
	"archive/tar"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"keel.dev/keel/pkg/ctl/client"
)

// exec answers a v5.channel.k8s.io WebSocket: it prints the command on
// stdout, echoes stdin (when requested) until the client closes it, and ends
// with a Success status, or exit code 3 when the command is "fail".
func (s *Server) exec(w http.ResponseWriter, req *http.Request) {
	if strings.EqualFold(req.Header.Get("Upgrade"), "SPDY/3.1") {
		s.execSPDY(w, req)
		return
	}
	if s.RefuseWebSocketExec {
		writeStatus(w, 403, "Forbidden", "the server does not allow access to the requested resource", nil)
		return
	}
	if !strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
		writeStatus(w, 400, "BadRequest", "upgrade request required", nil)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeStatus(w, 500, "InternalError", "cannot hijack", nil)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(rw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n",
		client.AcceptKey(req.Header.Get("Sec-WebSocket-Key")))
	rw.Flush()
	q := req.URL.Query()
	command := q["command"]
	send := func(ch byte, data string) {
		client.WriteFrame(conn, 0x2, append([]byte{ch}, data...), false)
	}
	if len(command) > 2 && command[0] == "tar" {
		s.tar(conn, rw.Reader, command)
		return
	}
	if len(command) == 1 && command[0] == "resize" {
		s.resize(conn, rw.Reader, q.Get("tty") == "true")
		return
	}
	send(1, "ran: "+strings.Join(command, " ")+"\n")
	send(2, "container "+q.Get("container")+"\n")
	if q.Get("stdin") == "true" {
		for {
			_, _, data, err := client.ReadFrame(rw.Reader)
			if err != nil || len(data) == 0 {
				return
			}
			if data[0] == 255 {
				break
			}
			send(1, "echo: "+string(data[1:]))
		}
	}
	if len(command) > 0 && command[0] == "fail" {
		send(3, `{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [fail], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}`)
	} else {
		send(3, `{"metadata":{},"status":"Success"}`)
	}
	client.WriteFrame(conn, 0x8, []byte{0x03, 0xe8}, false)
}

// resize reports each message of the resize channel on stdout, with the
// tty parameter, and ends after the second.
func (s *Server) resize(conn net.Conn, r *bufio.Reader, tty bool) {
	send := func(ch byte, data string) { client.WriteFrame(conn, 0x2, append([]byte{ch}, data...), false) }
	for n := 0; n < 2; {
		_, _, data, err := client.ReadFrame(r)
		if err != nil || len(data) == 0 {
			return
		}
		if data[0] == 4 {
			send(1, fmt.Sprintf("tty=%v resize %s\n", tty, data[1:]))
			n++
		}
	}
	send(3, `{"metadata":{},"status":"Success"}`)
	client.WriteFrame(conn, 0x8, []byte{0x03, 0xe8}, false)
}

// tar emulates `tar cf - PATH` (a directory PATH holding a.txt) and
// `tar -xmf - -C DIR` (recording the received file names in Received).
func (s *Server) tar(conn net.Conn, r *bufio.Reader, command []string) {
	send := func(ch byte, data []byte) { client.WriteFrame(conn, 0x2, append([]byte{ch}, data...), false) }
	if command[1] == "cf" {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		dir := strings.TrimPrefix(command[3], "/")
		tw.WriteHeader(&tar.Header{Name: dir + "/", Typeflag: tar.TypeDir, Mode: 0o755})
		tw.WriteHeader(&tar.Header{Name: dir + "/a.txt", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5})
		tw.Write([]byte("hello"))
		tw.Close()
		send(1, buf.Bytes())
	} else {
		var buf bytes.Buffer
		for {
			_, _, data, err := client.ReadFrame(r)
			if err != nil || len(data) == 0 || data[0] == 255 {
				break
			}
			buf.Write(data[1:])
		}
		tr := tar.NewReader(&buf)
		for {
			h, err := tr.Next()
			if err != nil {
				break
			}
			body, _ := io.ReadAll(tr)
			s.mu.Lock()
			s.Received = append(s.Received, command[4]+"/"+h.Name+"="+string(body))
			s.mu.Unlock()
		}
	}
	send(3, []byte(`{"metadata":{},"status":"Success"}`))
	client.WriteFrame(conn, 0x8, []byte{0x03, 0xe8}, false)
}

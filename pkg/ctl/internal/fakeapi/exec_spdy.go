package fakeapi

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/moby/spdystream"
)

// execSPDY answers exec over SPDY/3.1 with the v4.channel.k8s.io stream
// protocol, behaving like the WebSocket exec: the command on stdout, the
// container on stderr, stdin echoed, "fail" exiting 3 and "resize"
// reporting two resize messages.
func (s *Server) execSPDY(w http.ResponseWriter, req *http.Request) {
	offered := strings.Join(req.Header.Values("X-Stream-Protocol-Version"), ",")
	if !strings.Contains(offered, "v4.channel.k8s.io") {
		writeStatus(w, 400, "BadRequest", "no supported stream protocol offered", nil)
		return
	}
	conn, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprint(rw, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n")
	rw.Flush()
	sc, err := spdystream.NewConnection(&readerConn{Conn: conn, r: rw.Reader}, true)
	if err != nil {
		return
	}
	q := req.URL.Query()
	want := map[string]bool{"error": true, "stdout": q.Get("stdout") == "true", "stderr": q.Get("stderr") == "true",
		"stdin": q.Get("stdin") == "true", "resize": q.Get("tty") == "true"}
	n := 0
	for _, on := range want {
		if on {
			n++
		}
	}
	var mu sync.Mutex
	streams := map[string]*spdystream.Stream{}
	ready := make(chan struct{})
	go sc.Serve(func(st *spdystream.Stream) {
		st.SendReply(http.Header{}, false)
		mu.Lock()
		defer mu.Unlock()
		streams[st.Headers().Get("streamType")] = st
		if len(streams) == n {
			close(ready)
		}
	})
	<-ready
	command := q["command"]
	write := func(typ, data string) {
		if st := streams[typ]; st != nil {
			st.Write([]byte(data))
		}
	}
	switch {
	case len(command) == 1 && command[0] == "resize":
		sc := bufio.NewScanner(streams["resize"])
		for i := 0; i < 2 && sc.Scan(); i++ {
			write("stdout", fmt.Sprintf("tty=%v resize %s\n", q.Get("tty") == "true", sc.Text()))
		}
	default:
		write("stdout", "ran: "+strings.Join(command, " ")+"\n")
		write("stderr", "container "+q.Get("container")+"\n")
		if st := streams["stdin"]; st != nil {
			data, _ := io.ReadAll(st)
			write("stdout", "echo: "+string(data))
		}
	}
	if len(command) > 0 && command[0] == "fail" {
		write("error", `{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [fail], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}`)
	} else {
		write("error", `{"metadata":{},"status":"Success"}`)
	}
	for _, typ := range []string{"stdout", "stderr", "error"} {
		if st := streams[typ]; st != nil {
			st.Close()
		}
	}
	<-sc.CloseChan()
}

// readerConn reads through r, which may hold bytes read past the request.
type readerConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *readerConn) Read(p []byte) (int, error) { return c.r.Read(p) }

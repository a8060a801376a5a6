package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// LogLine is one parsed line of a CRI log file.
type LogLine struct {
	Time    string
	Stream  string
	Partial bool
	Message []byte
}

// ParseLogLine parses "<RFC3339Nano> <stream> <P|F> <message>".
func ParseLogLine(line []byte) (LogLine, bool) {
	line = bytes.TrimSuffix(line, []byte("\n"))
	parts := bytes.SplitN(line, []byte(" "), 4)
	if len(parts) < 3 {
		return LogLine{}, false
	}
	l := LogLine{Time: string(parts[0]), Stream: string(parts[1]), Partial: string(parts[2]) == "P"}
	if len(parts) == 4 {
		l.Message = parts[3]
	}
	return l, true
}

// logOptions are the query parameters of /containerLogs.
type logOptions struct {
	follow, timestamps bool
	tail               int // -1: all
	limitBytes         int64
	stream             string
}

func parseLogOptions(r *http.Request) logOptions {
	q := r.URL.Query()
	o := logOptions{tail: -1, stream: q.Get("stream")}
	o.follow = q.Get("follow") == "true" || q.Get("follow") == "1"
	o.timestamps = q.Get("timestamps") == "true" || q.Get("timestamps") == "1"
	if n, err := strconv.Atoi(q.Get("tailLines")); err == nil && n >= 0 {
		o.tail = n
	}
	if n, err := strconv.ParseInt(q.Get("limitBytes"), 10, 64); err == nil && n > 0 {
		o.limitBytes = n
	}
	return o
}

func (s *Server) containerLogs(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, c, err := s.container(ctx, r.PathValue("ns"), r.PathValue("pod"), r.PathValue("container"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	st, err := s.cfg.Runtime.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: c.Id})
	if err != nil || st.GetStatus().GetLogPath() == "" {
		http.Error(w, "container has no log file", http.StatusNotFound)
		return
	}
	f, err := openLog(ctx, st.Status.LogPath)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	src := &rotatingFile{path: st.Status.LogPath, f: f}
	defer src.Close()
	w.Header().Set("Content-Type", "text/plain")
	out := io.Writer(w)
	if o := parseLogOptions(r); o.limitBytes > 0 {
		out = &limitWriter{w: w, n: o.limitBytes}
	}
	running := func() bool {
		st, err := s.cfg.Runtime.ContainerStatus(context.WithoutCancel(ctx), &runtimeapi.ContainerStatusRequest{ContainerId: c.Id})
		return err == nil && st.Status.State == runtimeapi.ContainerState_CONTAINER_RUNNING
	}
	_ = CopyLogs(ctx, out, src, parseLogOptions(r), running, flusher(w))
}

// openLog opens a container's log file; a file missing for a moment is
// being rotated (renamed away, not yet reopened by the runtime), so that
// is retried for up to two seconds.
func openLog(ctx context.Context, path string) (*os.File, error) {
	deadline := time.Now().Add(2 * time.Second)
	for {
		f, err := os.Open(path)
		if err == nil || !os.IsNotExist(err) || time.Now().After(deadline) {
			return f, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// rotatingFile reads a container's log file and, once at its end, moves on
// to the file now at the same path when the log was rotated meanwhile
// (renamed away and reopened by the runtime), so following continues.
type rotatingFile struct {
	path string
	f    *os.File
}

// Read reads the current file; at its end it switches to a new file at path.
func (r *rotatingFile) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	if n > 0 || err != io.EOF {
		return n, err
	}
	cur, serr := os.Stat(r.path)
	old, ferr := r.f.Stat()
	if serr != nil || ferr != nil || os.SameFile(cur, old) {
		return 0, io.EOF
	}
	nf, oerr := os.Open(r.path)
	if oerr != nil {
		return 0, io.EOF
	}
	r.f.Close()
	r.f = nf
	return r.f.Read(p)
}

// Close closes the current file.
func (r *rotatingFile) Close() error { return r.f.Close() }

func flusher(w http.ResponseWriter) func() {
	if f, ok := w.(http.Flusher); ok {
		return f.Flush
	}
	return func() {}
}

// CopyLogs writes the messages of a CRI log file to out: the last tail
// lines (all when negative), then, when following, new lines until ctx
// ends or running reports the container gone.
func CopyLogs(ctx context.Context, out io.Writer, f io.Reader, o logOptions, running func() bool, flush func()) error {
	br := bufio.NewReader(f)
	var lines [][]byte
	var pending []byte
	readAvailable := func() {
		for {
			chunk, err := br.ReadBytes('\n')
			pending = append(pending, chunk...)
			if err != nil {
				return
			}
			lines = append(lines, pending)
			pending = nil
		}
	}
	readAvailable()
	if o.tail >= 0 && len(lines) > o.tail {
		lines = lines[len(lines)-o.tail:]
	}
	emit := func() error {
		for _, raw := range lines {
			l, ok := ParseLogLine(raw)
			if !ok || (o.stream != "" && o.stream != "all" && o.stream != l.Stream) {
				continue
			}
			var b []byte
			if o.timestamps {
				b = append(b, l.Time...)
				b = append(b, ' ')
			}
			b = append(b, l.Message...)
			if !l.Partial {
				b = append(b, '\n')
			}
			if _, err := out.Write(b); err != nil {
				return err
			}
		}
		lines = lines[:0]
		flush()
		return nil
	}
	if err := emit(); err != nil || !o.follow {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(200 * time.Millisecond):
		}
		alive := running()
		readAvailable()
		if err := emit(); err != nil {
			return err
		}
		if !alive {
			return nil
		}
	}
}

// limitWriter stops writing after n bytes.
type limitWriter struct {
	w io.Writer
	n int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.w.Write(p)
	l.n -= int64(n)
	return n, err
}

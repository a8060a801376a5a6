package filters

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/apiserver/request"
)

// panicMessage is what a client sees when its request crashed a handler.
const panicMessage = "This request caused apiserver to panic. Look in the logs for details."

// WithPanicRecovery turns a handler panic into a 500 InternalError Status
// (when nothing was written yet) and logs it with the stack. The
// http.ErrAbortHandler sentinel is passed through, so handlers can still
// abort a response on purpose.
func WithPanicRecovery(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &panicWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			slog.ErrorContext(r.Context(), "apiserver handler panicked",
				"method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if rw.wrote {
				panic(http.ErrAbortHandler)
			}
			WriteStatusObject(w, metav1.Status{
				Status:  metav1.StatusFailure,
				Message: panicMessage,
				Reason:  metav1.StatusReasonInternalError,
				Code:    http.StatusInternalServerError,
			})
		}()
		h.ServeHTTP(rw, r)
	})
}

// panicWriter remembers whether a response was started.
type panicWriter struct {
	http.ResponseWriter
	wrote bool
}

func (p *panicWriter) WriteHeader(code int) {
	p.wrote = true
	p.ResponseWriter.WriteHeader(code)
}

func (p *panicWriter) Write(b []byte) (int, error) {
	p.wrote = true
	return p.ResponseWriter.Write(b)
}

func (p *panicWriter) Flush() {
	p.wrote = true
	if f, ok := p.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack implements http.Hijacker for upgrade requests.
func (p *panicWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(p.ResponseWriter).Hijack()
	if err == nil {
		p.wrote = true
	}
	return conn, rw, err
}

func (p *panicWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }

// WithRequestInfo parses the request path and verb (request.Parse) into the
// context; a malformed resource path gets 400 BadRequest.
func WithRequestInfo(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, err := request.Parse(r)
		if err != nil {
			WriteStatus(w, apierrors.NewBadRequest(err.Error()))
			return
		}
		h.ServeHTTP(w, r.WithContext(request.WithInfo(r.Context(), info)))
	})
}

// ErrBodyTooLarge is wrapped by ReadBody's error when the body is over the limit.
var ErrBodyTooLarge = errors.New("request body too large")

// ReadBody reads the whole request body, refusing one over limit bytes
// (limit <= 0 means no limit) with a 413 RequestEntityTooLarge Status error
// that WriteStatus renders.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if limit <= 0 {
		return io.ReadAll(r.Body)
	}
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("read request body: %v", err))
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(limit)
	}
	return data, nil
}

type tooLargeError struct{ *apierrors.StatusError }

func (e tooLargeError) Unwrap() []error { return []error{e.StatusError, ErrBodyTooLarge} }

func tooLarge(limit int64) error {
	return tooLargeError{apierrors.NewRequestEntityTooLarge(fmt.Sprintf("limit is %d", limit))}
}

// stoppingKey carries the channel closed when the server starts shutting down.
type stoppingKey struct{}

// WithStopping returns ctx carrying ch, closed when the server begins a
// graceful shutdown; the long-running requests of the chain end then, so
// open watches do not hold the shutdown up.
func WithStopping(ctx context.Context, ch <-chan struct{}) context.Context {
	return context.WithValue(ctx, stoppingKey{}, ch)
}

// stoppingFrom returns the channel stored by WithStopping, or nil.
func stoppingFrom(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(stoppingKey{}).(<-chan struct{})
	return ch
}

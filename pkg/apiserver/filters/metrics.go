package filters

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"keel.dev/keel/pkg/apiserver/metrics"
	"keel.dev/keel/pkg/apiserver/request"
)

// connectSubresources are served as CONNECT in the metrics verb label.
var connectSubresources = map[string]bool{"attach": true, "exec": true, "portforward": true, "proxy": true}

// MetricsLabels derives the request metric labels of a parsed request.
func MetricsLabels(r *http.Request, info *request.Info) metrics.RequestLabels {
	if info == nil || !info.IsResourceRequest {
		return metrics.RequestLabels{Verb: strings.ToUpper(r.Method)}
	}
	l := metrics.RequestLabels{
		Verb:        metricsVerb(r, info),
		Group:       info.APIGroup,
		Version:     info.APIVersion,
		Resource:    info.Resource,
		Subresource: info.Subresource,
	}
	switch {
	case info.Name != "" || info.Verb == "create":
		l.Scope = "resource"
	case info.Namespace != "":
		l.Scope = "namespace"
	default:
		l.Scope = "cluster"
	}
	return l
}

func metricsVerb(r *http.Request, info *request.Info) string {
	if connectSubresources[info.Subresource] {
		return "CONNECT"
	}
	switch info.Verb {
	case "list":
		return "LIST"
	case "watch":
		return "WATCH"
	case "get":
		return "GET"
	case "create":
		return "POST"
	case "update":
		return "PUT"
	case "patch":
		if request.ContentType(r.Header.Get("Content-Type")) == "application/apply-patch+yaml" {
			return "APPLY"
		}
		return "PATCH"
	case "delete", "deletecollection":
		return "DELETE"
	}
	return strings.ToUpper(r.Method)
}

// WithMetrics records every request in apiserver_request_total and
// apiserver_request_duration_seconds, and keeps apiserver_longrunning_requests
// up to date for watches and other long-running requests. It needs
// WithRequestInfo before it.
func WithMetrics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info, _ := request.InfoFrom(r.Context())
		labels := MetricsLabels(r, info)
		long := IsLongRunning(info)
		if long {
			done := metrics.TrackLongRunning(labels.Verb, labels.Resource)
			defer done()
		}
		rec := &codeRecorder{ResponseWriter: w}
		defer func() {
			code := rec.code
			if code == 0 {
				code = http.StatusOK
			}
			metrics.ObserveRequest(labels, strconv.Itoa(code), time.Since(start), long)
		}()
		h.ServeHTTP(rec, r)
	})
}

// codeRecorder captures the status code while passing Flush and Hijack
// through, so watches can stream and exec can upgrade.
type codeRecorder struct {
	http.ResponseWriter
	code int
}

func (c *codeRecorder) WriteHeader(code int) {
	if c.code == 0 {
		c.code = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *codeRecorder) Write(b []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	return c.ResponseWriter.Write(b)
}

// Flush implements http.Flusher.
func (c *codeRecorder) Flush() {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack implements http.Hijacker; a hijacked connection counts as 101.
func (c *codeRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(c.ResponseWriter).Hijack()
	if err == nil && c.code == 0 {
		c.code = http.StatusSwitchingProtocols
	}
	return conn, rw, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (c *codeRecorder) Unwrap() http.ResponseWriter { return c.ResponseWriter }

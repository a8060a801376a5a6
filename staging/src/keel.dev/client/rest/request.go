package rest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/clock"
)

// Request is one API request under construction. Builder methods record the
// first error, which the terminal methods (Do, Into, DoRaw, Stream, Watch)
// return.
type Request struct {
	c           *Client
	method      string
	gv          schema.GroupVersion
	absPath     string
	namespace   string
	resource    string
	name        string
	subresource []string
	params      url.Values
	body        []byte
	bodyType    string
	headers     http.Header
	timeout     time.Duration
	err         error
}

func newRequest(c *Client, method string) *Request {
	return &Request{c: c, method: method, params: url.Values{}, headers: http.Header{}, timeout: c.timeout}
}

// GroupVersion sets the API group version (path prefix /api/v1 or /apis/g/v).
func (r *Request) GroupVersion(gv schema.GroupVersion) *Request { r.gv = gv; return r }

// AbsPath sets a literal path, ignoring group version, namespace and resource.
func (r *Request) AbsPath(p string) *Request { r.absPath = p; return r }

// Namespace sets the namespace segment; empty means cluster-scoped or all namespaces.
func (r *Request) Namespace(ns string) *Request { r.namespace = ns; return r }

// Resource sets the plural resource name.
func (r *Request) Resource(res string) *Request { r.resource = res; return r }

// Name sets the object name.
func (r *Request) Name(name string) *Request {
	if name == "" && r.err == nil {
		r.err = errors.New("resource name may not be empty")
	}
	r.name = name
	return r
}

// SubResource sets the subresource path ("status", "scale", "log").
func (r *Request) SubResource(sub ...string) *Request { r.subresource = sub; return r }

// Param sets a query parameter.
func (r *Request) Param(k, v string) *Request { r.params.Set(k, v); return r }

// Params adds the query parameters of an options struct (metav1.ListOptions, …).
func (r *Request) Params(opts any) *Request {
	if err := EncodeParams(opts, r.params); err != nil && r.err == nil {
		r.err = err
	}
	return r
}

// SetHeader sets a request header.
func (r *Request) SetHeader(k, v string) *Request { r.headers.Set(k, v); return r }

// Timeout bounds this request (not watches); zero means none.
func (r *Request) Timeout(d time.Duration) *Request { r.timeout = d; return r }

// Body sets the request body: a runtime.Object (encoded with the client's
// content type), or []byte / string sent as is.
func (r *Request) Body(body any) *Request {
	switch b := body.(type) {
	case nil:
	case []byte:
		r.body = b
	case string:
		r.body = []byte(b)
	case runtime.Object:
		info, _ := r.c.codecs.SerializerForMediaType(r.c.contentType)
		if r.bodyType != "" && r.method == http.MethodPatch {
			// Patches of objects (apply) are sent as JSON.
			info, _ = r.c.codecs.SerializerForMediaType(runtime.ContentTypeJSON)
		}
		var buf bytes.Buffer
		if err := info.Serializer.Encode(b, &buf); err != nil {
			if r.err == nil {
				r.err = fmt.Errorf("encode request body: %w", err)
			}
			return r
		}
		r.body = buf.Bytes()
		if r.bodyType == "" {
			r.bodyType = info.MediaType
		}
	default:
		if r.err == nil {
			r.err = fmt.Errorf("unsupported request body type %T", body)
		}
	}
	return r
}

// URL returns the request URL.
func (r *Request) URL() *url.URL {
	u := *r.c.base
	p := r.absPath
	if p == "" {
		segs := []string{PathPrefix(r.gv)}
		if r.namespace != "" && r.resource != "namespaces" {
			segs = append(segs, "namespaces", r.namespace)
		}
		if r.resource != "" {
			segs = append(segs, r.resource)
		}
		if r.name != "" {
			segs = append(segs, r.name)
		}
		segs = append(segs, r.subresource...)
		p = path.Join(segs...)
		if r.resource == "namespaces" && r.namespace != "" && r.name == "" {
			p = path.Join(p, r.namespace)
		}
	}
	u.Path = path.Join(u.Path, p)
	u.RawQuery = r.params.Encode()
	return &u
}

// accept is the Accept header for the client's content type.
func (r *Request) accept() string {
	if r.c.contentType == runtime.ContentTypeProtobuf {
		return runtime.ContentTypeProtobuf + ", " + runtime.ContentTypeJSON
	}
	return runtime.ContentTypeJSON
}

// groupResource names the request's resource for errors.
func (r *Request) groupResource() schema.GroupResource {
	return schema.GroupResource{Group: r.gv.Group, Resource: r.resource}
}

// do sends the request with rate limiting and retries and hands the final
// response to fn, closing its body afterwards unless fn keeps it.
func (r *Request) do(ctx context.Context, fn func(*http.Response) error) error {
	if r.err != nil {
		return r.err
	}
	u := r.URL().String()
	for attempt := 0; ; attempt++ {
		if r.c.limiter != nil {
			if err := r.c.limiter.Wait(ctx); err != nil {
				return fmt.Errorf("client rate limiter: %w", err)
			}
		}
		var body io.Reader
		if r.body != nil {
			body = bytes.NewReader(r.body)
		}
		req, err := http.NewRequestWithContext(ctx, r.method, u, body)
		if err != nil {
			return fmt.Errorf("build request: %w", err)
		}
		for k, v := range r.headers {
			req.Header[k] = v
		}
		if req.Header.Get("Accept") == "" {
			req.Header.Set("Accept", r.accept())
		}
		if r.body != nil {
			ct := r.bodyType
			if ct == "" {
				ct = r.headers.Get("Content-Type")
			}
			if ct == "" {
				ct = runtime.ContentTypeJSON
			}
			req.Header.Set("Content-Type", ct)
		}
		resp, err := r.c.http.Do(req)
		if err != nil {
			if r.method == http.MethodGet && isConnectionRefused(err) && attempt < r.c.maxRetries {
				if !clock.Sleep(r.c.clock, backoff(attempt), ctx.Done()) {
					return ctx.Err()
				}
				continue
			}
			return err
		}
		r.handleWarnings(resp)
		if secs, ok := retryAfter(resp); ok && attempt < r.c.maxRetries {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			if !clock.Sleep(r.c.clock, time.Duration(secs)*time.Second, ctx.Done()) {
				return ctx.Err()
			}
			continue
		}
		return fn(resp)
	}
}

// retryAfter reports whether resp asks for a retry (429, or 5xx with
// Retry-After) and after how many seconds.
func retryAfter(resp *http.Response) (int, bool) {
	h := resp.Header.Get("Retry-After")
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
	case resp.StatusCode >= 500 && h != "":
	default:
		return 0, false
	}
	secs, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || secs < 0 {
		secs = 1
	}
	return secs, true
}

// backoff is the wait before retry attempt n of a refused connection.
func backoff(n int) time.Duration {
	d := 100 * time.Millisecond << min(n, 6)
	return min(d, 5*time.Second)
}

func isConnectionRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// handleWarnings passes the response's Warning headers to the handler.
func (r *Request) handleWarnings(resp *http.Response) {
	for _, h := range resp.Header.Values("Warning") {
		code, agent, text, ok := parseWarning(h)
		if ok {
			r.c.warnings.HandleWarning(code, agent, text)
		}
	}
}

// parseWarning reads `299 - "text"` (RFC 7234 warn-code warn-agent warn-text).
func parseWarning(h string) (code int, agent, text string, ok bool) {
	codeStr, rest, found := strings.Cut(strings.TrimSpace(h), " ")
	if !found {
		return 0, "", "", false
	}
	code, err := strconv.Atoi(codeStr)
	if err != nil {
		return 0, "", "", false
	}
	agent, rest, found = strings.Cut(strings.TrimSpace(rest), " ")
	if !found {
		return 0, "", "", false
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, `"`) {
		return 0, "", "", false
	}
	if t, err := strconv.Unquote(rest); err == nil {
		return code, agent, t, true
	}
	if end := strings.LastIndex(rest, `"`); end > 0 {
		return code, agent, strings.ReplaceAll(rest[1:end], `\"`, `"`), true
	}
	return 0, "", "", false
}

package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/rest"
)

// Media types ctl negotiates.
const (
	AcceptJSON                = "application/json"
	AcceptTable               = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
	AcceptAggregatedDiscovery = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)

// Client sends raw requests to one apiserver.
type Client struct {
	// HTTP carries the requests (TLS and authentication are configured in it).
	HTTP *http.Client
	// Base is the server URL without a trailing slash.
	Base string
	// UserAgent is sent on every request.
	UserAgent string
	// Verbose, when > 5, logs each request to Log.
	Verbose int
	// Log receives request logs.
	Log io.Writer
	// Config is the configuration the client was built from (streaming
	// connections need its TLS settings and credentials).
	Config *rest.Config
}

// New builds a client from a rest.Config.
func New(cfg *rest.Config) (*Client, error) {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	host := cfg.Host
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	return &Client{HTTP: hc, Base: strings.TrimRight(host, "/"), UserAgent: "ctl/v1.32.0", Config: cfg}, nil
}

// Request describes one API call.
type Request struct {
	Method      string
	Path        string
	Query       url.Values
	Accept      string
	ContentType string
	Body        []byte
}

// Response is a completed call.
type Response struct {
	Code        int
	ContentType string
	Body        []byte
}

func (c *Client) send(ctx context.Context, r Request) (*http.Response, error) {
	u := c.Base + r.Path
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return nil, err
	}
	accept := r.Accept
	if accept == "" {
		accept = AcceptJSON
	}
	req.Header.Set("Accept", accept)
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	resp, err := c.HTTP.Do(req)
	if c.Verbose >= 6 && c.Log != nil {
		code := 0
		if resp != nil {
			code = resp.StatusCode
		}
		fmt.Fprintf(c.Log, "%s %s %d\n", r.Method, u, code)
	}
	if err != nil {
		return nil, c.connError(err)
	}
	return resp, nil
}

// Do sends r and reads the whole answer; non-2xx answers become errors.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	out := &Response{Code: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: data}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return out, StatusErrorFor(resp.StatusCode, data)
	}
	return out, nil
}

// Stream sends r and returns the open body of a 2xx answer.
func (c *Client) Stream(ctx context.Context, r Request) (io.ReadCloser, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return nil, StatusErrorFor(resp.StatusCode, data)
	}
	return resp.Body, nil
}

// Event is one decoded watch event.
type Event struct {
	Type   string          `json:"type"`
	Object json.RawMessage `json:"object"`
}

// Watch opens a watch stream and sends its events on the returned channel,
// which is closed when the stream ends or ctx is cancelled.
func (c *Client) Watch(ctx context.Context, r Request) (<-chan Event, error) {
	body, err := c.Stream(ctx, r)
	if err != nil {
		return nil, err
	}
	ch := make(chan Event)
	go func() {
		defer close(ch)
		defer body.Close()
		dec := json.NewDecoder(bufio.NewReader(body))
		for {
			var ev Event
			if err := dec.Decode(&ev); err != nil {
				return
			}
			select {
			case ch <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, nil
}

// StatusErrorFor turns an error answer into a *apierrors.StatusError: the
// Status body when there is one, else a generic message for the code.
func StatusErrorFor(code int, body []byte) error {
	var st metav1.Status
	if err := json.Unmarshal(body, &st); err == nil && st.Kind == "Status" {
		if st.Code == 0 {
			st.Code = int32(code)
		}
		return &apierrors.StatusError{ErrStatus: st}
	}
	msg := strings.TrimSpace(string(body))
	reason, text := genericReason(code)
	if msg == "" {
		msg = text
	} else {
		msg = fmt.Sprintf("%s (%s)", text, msg)
	}
	return &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: int32(code), Reason: reason, Message: msg}}
}

func genericReason(code int) (metav1.StatusReason, string) {
	switch code {
	case http.StatusNotFound:
		return metav1.StatusReasonNotFound, "the server could not find the requested resource"
	case http.StatusUnauthorized:
		return metav1.StatusReasonUnauthorized, "the server has asked for the client to provide credentials"
	case http.StatusForbidden:
		return metav1.StatusReasonForbidden, "the server does not allow access to the requested resource"
	case http.StatusConflict:
		return metav1.StatusReasonConflict, "the server reported a conflict"
	case http.StatusMethodNotAllowed:
		return metav1.StatusReasonMethodNotAllowed, "the server does not allow this method on the requested resource"
	case http.StatusUnprocessableEntity:
		return metav1.StatusReasonInvalid, "the server rejected our request due to an error in our request"
	case http.StatusTooManyRequests:
		return metav1.StatusReasonTooManyRequests, "the server has received too many requests and has asked us to try again later"
	case http.StatusBadRequest:
		return metav1.StatusReasonBadRequest, "the server rejected our request for an unknown reason"
	case http.StatusServiceUnavailable:
		return metav1.StatusReasonServiceUnavailable, "the server is currently unable to handle the request"
	}
	if code >= 500 {
		return metav1.StatusReasonInternalError, "an error on the server has prevented the request from succeeding"
	}
	return metav1.StatusReasonUnknown, fmt.Sprintf("an error on the server (%d) has prevented the request from succeeding", code)
}

// ConnectionError is a failure to reach the server, worded like kubectl.
type ConnectionError struct {
	Host string
	Err  error
}

func (e *ConnectionError) Error() string {
	if errors.Is(e.Err, syscall.ECONNREFUSED) {
		return fmt.Sprintf("The connection to the server %s was refused - did you specify the right host or port?", e.Host)
	}
	return fmt.Sprintf("Unable to connect to the server: %v", e.Err)
}

func (e *ConnectionError) Unwrap() error { return e.Err }

func (c *Client) connError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	host := c.Base
	if u, perr := url.Parse(c.Base); perr == nil {
		host = u.Host
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) || errors.Is(err, syscall.ECONNREFUSED) {
		return &ConnectionError{Host: host, Err: err}
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return &ConnectionError{Host: host, Err: uerr.Err}
	}
	return err
}

// GetJSON GETs path and decodes the JSON answer into out.
func (c *Client) GetJSON(ctx context.Context, path string, q url.Values, out any) error {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: path, Query: q})
	if err != nil {
		return err
	}
	return json.Unmarshal(resp.Body, out)
}

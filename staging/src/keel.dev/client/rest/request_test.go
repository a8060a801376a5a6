package rest

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/client/clock"
	"keel.dev/client/util/flowcontrol"
)

var podsGV = schema.GroupVersion{Version: "v1"}

func TestRequestBuildsKubernetesURLs(t *testing.T) {
	c, err := New(&Config{Host: "https://h:6443", QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		req  *Request
		want string
	}{
		{"a namespaced object's subresource", c.Get().GroupVersion(podsGV).Namespace("ns").Resource("pods").Name("p").SubResource("log"), "https://h:6443/api/v1/namespaces/ns/pods/p/log"},
		{"a grouped cluster-scoped list", c.Get().GroupVersion(schema.GroupVersion{Group: "rbac.authorization.k8s.io", Version: "v1"}).Resource("clusterroles"), "https://h:6443/apis/rbac.authorization.k8s.io/v1/clusterroles"},
		{"list options become query parameters", c.Get().GroupVersion(podsGV).Resource("pods").Params(&metav1.ListOptions{LabelSelector: "a=b", Limit: 500}), "https://h:6443/api/v1/pods?labelSelector=a%3Db&limit=500"},
		{"a namespace by name", c.Get().GroupVersion(podsGV).Resource("namespaces").Name("kube-system"), "https://h:6443/api/v1/namespaces/kube-system"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.req.URL().String(); got != tc.want {
				t.Errorf("URL = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRetriesTooManyRequestsHonouringRetryAfter(t *testing.T) {
	var calls atomic.Int32
	var c *Client
	_, cfg := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "3")
			writeObject(t, w, c, runtime.ContentTypeJSON, 429, &apierrors.NewTooManyRequests("slow down", 3).ErrStatus)
			return
		}
		writeObject(t, w, c, runtime.ContentTypeJSON, 200, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}})
	}))
	fc := clock.NewFake(time.Unix(0, 0))
	var err error
	if c, err = New(cfg, WithClock(fc)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	pod := &corev1.Pod{}
	go func() {
		done <- c.Get().GroupVersion(podsGV).Namespace("ns").Resource("pods").Name("p").Into(context.Background(), pod)
	}()
	for i := 0; i < 2; i++ {
		fc.BlockUntil(1)
		if calls.Load() != int32(i+1) {
			t.Fatalf("retry %d happened before Retry-After elapsed", i)
		}
		fc.Step(2 * time.Second)
		if fc.Waiters() != 1 {
			t.Fatalf("retried before the 3 s Retry-After")
		}
		fc.Step(time.Second)
	}
	if err := <-done; err != nil || pod.Name != "p" {
		t.Fatalf("Into = %v, pod %q", err, pod.Name)
	}
	if calls.Load() != 3 {
		t.Errorf("calls = %d, want 3", calls.Load())
	}
}

func TestRetriesStopAfterMaxRetries(t *testing.T) {
	var calls atomic.Int32
	_, cfg := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(429)
	}))
	cfg.MaxRetries = 2
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Get().GroupVersion(podsGV).Resource("pods").Do(context.Background()).Error()
	if !apierrors.IsTooManyRequests(err) || calls.Load() != 3 {
		t.Fatalf("err = %v after %d calls, want TooManyRequests after 3", err, calls.Load())
	}
}

func TestClientSideRateLimitDelaysRequests(t *testing.T) {
	var calls atomic.Int32
	_, cfg := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(200)
	}))
	fc := clock.NewFake(time.Unix(0, 0))
	bucket := flowcontrol.NewTokenBucket(1, 2, flowcontrol.WithClock(fc))
	cfg.RateLimiter = bucket
	c, err := New(cfg, WithClock(fc))
	if err != nil {
		t.Fatal(err)
	}
	do := func() error { return c.Get().AbsPath("/healthz").Do(context.Background()).Error() }
	for i := 0; i < 2; i++ {
		if err := do(); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- do() }()
	fc.BlockUntil(1)
	if calls.Load() != 2 || bucket.Waits() != 1 {
		t.Fatalf("third request was not held: calls=%d waits=%d", calls.Load(), bucket.Waits())
	}
	fc.Step(time.Second)
	if err := <-done; err != nil || calls.Load() != 3 {
		t.Fatalf("third request = %v, calls %d", err, calls.Load())
	}
}

func TestNon2xxResponsesBecomeTypedErrors(t *testing.T) {
	gr := schema.GroupResource{Resource: "pods"}
	cases := []struct {
		name      string
		code      int
		body      runtime.Object
		raw       string
		mediaType string
		check     func(error) bool
		message   string
	}{
		{"a NotFound status in JSON", 404, &apierrors.NewNotFound(gr, "p").ErrStatus, "", runtime.ContentTypeJSON, apierrors.IsNotFound, `pods "p" not found`},
		{"a Conflict status in protobuf", 409, &apierrors.NewConflict(gr, "p", errString("changed")).ErrStatus, "", runtime.ContentTypeProtobuf, apierrors.IsConflict, `Operation cannot be fulfilled on pods "p": changed`},
		{"an AlreadyExists status", 409, &apierrors.NewAlreadyExists(gr, "p").ErrStatus, "", runtime.ContentTypeJSON, apierrors.IsAlreadyExists, `pods "p" already exists`},
		{"an Invalid status", 422, &apierrors.NewInvalid(schema.GroupKind{Kind: "Pod"}, "p", nil).ErrStatus, "", runtime.ContentTypeJSON, apierrors.IsInvalid, ""},
		{"a plain-text 404 body", 404, nil, "404 page not found", "text/plain", apierrors.IsNotFound, ""},
		{"a plain-text 500 body", 500, nil, "boom", "text/plain", apierrors.IsInternalError, ""},
		{"an HTML 403", 403, nil, "<html>no</html>", "text/html", apierrors.IsForbidden, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c *Client
			_, cfg := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.body != nil {
					writeObject(t, w, c, tc.mediaType, tc.code, tc.body)
					return
				}
				w.Header().Set("Content-Type", tc.mediaType)
				w.WriteHeader(tc.code)
				_, _ = w.Write([]byte(tc.raw))
			}))
			cfg.ContentType = runtime.ContentTypeProtobuf
			var err error
			if c, err = New(cfg); err != nil {
				t.Fatal(err)
			}
			err = c.Get().GroupVersion(podsGV).Namespace("ns").Resource("pods").Name("p").Into(context.Background(), &corev1.Pod{})
			if !tc.check(err) {
				t.Fatalf("err = %v (%T), predicate false", err, err)
			}
			if tc.message != "" && err.Error() != tc.message {
				t.Errorf("message = %q, want %q", err.Error(), tc.message)
			}
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestWarningHeadersReachTheHandler(t *testing.T) {
	_, cfg := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Warning", `299 - "spec.foo is deprecated"`)
		w.Header().Add("Warning", `299 - "second \"quoted\" warning"`)
		w.WriteHeader(200)
	}))
	var got []string
	cfg.WarningHandler = WarningHandlerFunc(func(code int, agent, text string) {
		if code == 299 && agent == "-" {
			got = append(got, text)
		}
	})
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Get().AbsPath("/x").Do(context.Background()).Error(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "spec.foo is deprecated" || got[1] != `second "quoted" warning` {
		t.Errorf("warnings = %q", got)
	}
}

func TestRequestSendsCredentialsAndProtobufAccept(t *testing.T) {
	var auth, accept, ua string
	_, cfg := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, accept, ua = r.Header.Get("Authorization"), r.Header.Get("Accept"), r.Header.Get("User-Agent")
		if r.ProtoMajor != 2 {
			t.Errorf("protocol = %s, want HTTP/2", r.Proto)
		}
		w.WriteHeader(200)
	}))
	cfg.BearerToken, cfg.UserAgent, cfg.ContentType = "tok", "keel-test/1", runtime.ContentTypeProtobuf
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Get().AbsPath("/x").Do(context.Background()).Error(); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer tok" || accept != "application/vnd.kubernetes.protobuf, application/json" || ua != "keel-test/1" {
		t.Errorf("headers: auth=%q accept=%q ua=%q", auth, accept, ua)
	}
}

func TestGetRetriesRefusedConnections(t *testing.T) {
	srv, cfg := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Close() // nothing listens any more
	cfg.MaxRetries = 3
	fc := clock.NewFake(time.Unix(0, 0))
	c, err := New(cfg, WithClock(fc))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Get().AbsPath("/x").Do(context.Background()).Error() }()
	for i := 0; i < 3; i++ {
		fc.BlockUntil(1)
		fc.Step(10 * time.Second)
	}
	if err := <-done; err == nil || !isConnectionRefused(err) {
		t.Fatalf("err = %v, want connection refused after retries", err)
	}
}

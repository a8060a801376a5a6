package filters

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/request"
)

var ok200 = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestPanicRecovery(t *testing.T) {
	h := WithPanicRecovery(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("kaboom") }))
	w := serve(h, httptest.NewRequest("GET", "/api/v1/pods", nil))
	want := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"This request caused apiserver to panic. Look in the logs for details.","reason":"InternalError","code":500}`
	if w.Code != 500 || strings.TrimSpace(w.Body.String()) != want {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	t.Run("http.ErrAbortHandler is passed through", func(t *testing.T) {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Fatalf("recovered %v", p)
			}
		}()
		serve(WithPanicRecovery(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })),
			httptest.NewRequest("GET", "/", nil))
	})
}

func TestRequestInfo(t *testing.T) {
	var got *request.Info
	h := WithRequestInfo(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got, _ = request.InfoFrom(r.Context()) }))
	if w := serve(h, httptest.NewRequest("GET", "/api/v1/namespaces/d/pods/p", nil)); w.Code != 200 || got == nil || got.Verb != "get" || got.Name != "p" {
		t.Fatalf("%d %+v", w.Code, got)
	}
	w := serve(h, httptest.NewRequest("GET", "/api/v1/watch", nil))
	var st map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil || w.Code != 400 || st["reason"] != "BadRequest" {
		t.Fatalf("malformed path answered %d %s", w.Code, w.Body)
	}
}

func TestAuthentication(t *testing.T) {
	tokens, err := authn.ParseTokens(strings.NewReader("good,alice,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := authn.WithAuthenticatedGroup(authn.Union(tokens))
	var seen *authn.UserInfo
	h := WithAuthentication(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen, _ = authn.UserFrom(r.Context()) }), a, []string{"/healthz"})
	const unauthorized = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`
	cases := []struct {
		name     string
		path     string
		token    string
		wantCode int
		wantUser string
	}{
		{"a request without credentials is 401", "/api", "", 401, ""},
		{"a bad token is 401", "/api", "bad", 401, ""},
		{"a good token passes with its user", "/api", "good", 200, "alice"},
		{"a public path without credentials is anonymous", "/healthz/etcd", "", 200, authn.Anonymous},
		{"a public path with a bad token is still 401", "/healthz", "bad", 401, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seen = nil
			r := httptest.NewRequest("GET", c.path, nil)
			if c.token != "" {
				r.Header.Set("Authorization", "Bearer "+c.token)
			}
			w := serve(h, r)
			if w.Code != c.wantCode {
				t.Fatalf("code %d", w.Code)
			}
			if c.wantCode == 401 {
				if got := strings.TrimSpace(w.Body.String()); got != unauthorized {
					t.Errorf("body %s", got)
				}
				if ct := w.Header().Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q", ct)
				}
				return
			}
			if seen == nil || seen.Name != c.wantUser {
				t.Errorf("user %+v", seen)
			}
		})
	}
}

func TestAuthorization(t *testing.T) {
	h := WithRequestInfo(WithAuthentication(WithAuthorization(ok200, authz.AlwaysDeny()),
		authn.AuthenticatorFunc(func(*http.Request) (*authn.UserInfo, bool, error) {
			return &authn.UserInfo{Name: "bob"}, true, nil
		}), nil))
	cases := []struct {
		name, method, path, want string
	}{
		{"a namespaced get is denied with Kubernetes' wording", "GET", "/api/v1/namespaces/default/pods/web",
			`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web\" is forbidden: User \"bob\" cannot get resource \"pods\" in API group \"\" in the namespace \"default\"","reason":"Forbidden","details":{"name":"web","kind":"pods"},"code":403}`},
		{"a cluster-scoped list names the group", "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
			`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"clusterroles.rbac.authorization.k8s.io is forbidden: User \"bob\" cannot list resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope","reason":"Forbidden","details":{"group":"rbac.authorization.k8s.io","kind":"clusterroles"},"code":403}`},
		{"a non-resource path is forbidden by path", "GET", "/metrics",
			`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \"bob\" cannot get path \"/metrics\"","reason":"Forbidden","details":{},"code":403}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := serve(h, httptest.NewRequest(c.method, c.path, nil))
			if w.Code != 403 || strings.TrimSpace(w.Body.String()) != c.want {
				t.Fatalf("%d\n got %s\nwant %s", w.Code, w.Body, c.want)
			}
		})
	}
	allowed := WithRequestInfo(WithAuthorization(ok200, authz.AlwaysAllow()))
	if w := serve(allowed, httptest.NewRequest("GET", "/api/v1/pods", nil)); w.Code != 200 {
		t.Fatalf("allowed request answered %d", w.Code)
	}
}

// blockingChain holds requests inside the handler until release is closed.
func blockingChain(readOnly, mutating int) (h http.Handler, entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}, 16), make(chan struct{})
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	})
	user := authn.AuthenticatorFunc(func(r *http.Request) (*authn.UserInfo, bool, error) {
		u := &authn.UserInfo{Name: "bob"}
		if r.Header.Get("X-Admin") != "" {
			u.Groups = []string{authn.SystemMasters}
		}
		return u, true, nil
	})
	return WithRequestInfo(WithAuthentication(WithMaxInFlight(inner, readOnly, mutating), user, nil)), entered, release
}

func TestMaxInFlight(t *testing.T) {
	h, entered, release := blockingChain(1, 1)
	var wg sync.WaitGroup
	start := func(method, path string) {
		wg.Add(1)
		go func() { defer wg.Done(); serve(h, httptest.NewRequest(method, path, nil)) }()
		<-entered
	}
	start("GET", "/api/v1/pods")                     // takes the read-only slot
	start("POST", "/api/v1/namespaces/d/configmaps") // takes the mutating slot
	defer func() { close(release); wg.Wait() }()

	cases := []struct {
		name   string
		method string
		path   string
		admin  bool
		want   int
	}{
		{"a second read is refused", "GET", "/api/v1/namespaces/d/pods/p", false, 429},
		{"a second write is refused", "DELETE", "/api/v1/namespaces/d/pods/p", false, 429},
		{"a watch is exempt", "GET", "/api/v1/pods?watch=true", false, 0},
		{"a log request is exempt", "GET", "/api/v1/namespaces/d/pods/p/log", false, 0},
		{"system:masters is exempt", "GET", "/api/v1/nodes", true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.path, nil)
			if c.admin {
				r.Header.Set("X-Admin", "1")
			}
			if c.want == 0 {
				wg.Add(1)
				go func() { defer wg.Done(); serve(h, r) }()
				<-entered // the request reached the handler
				return
			}
			w := serve(h, r)
			if w.Code != c.want || w.Header().Get("Retry-After") != "1" {
				t.Fatalf("%d Retry-After=%q", w.Code, w.Header().Get("Retry-After"))
			}
			want := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}`
			if got := strings.TrimSpace(w.Body.String()); got != want {
				t.Errorf("body %s", got)
			}
		})
	}
}

func TestLongRunningRequestsEndWhenStopping(t *testing.T) {
	stop := make(chan struct{})
	ended := make(chan error, 1)
	h := WithRequestInfo(WithMaxInFlight(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		ended <- r.Context().Err()
	}), 1, 1))
	r := httptest.NewRequest("GET", "/api/v1/pods?watch=1", nil)
	r = r.WithContext(WithStopping(context.Background(), stop))
	go serve(h, r)
	close(stop)
	if err := <-ended; !errors.Is(err, context.Canceled) {
		t.Fatalf("watch context ended with %v", err)
	}
}

func TestReadBody(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader("0123456789"))
	if b, err := ReadBody(r, 10); err != nil || string(b) != "0123456789" {
		t.Fatalf("%q %v", b, err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader("0123456789x"))
	r.ContentLength = -1 // unknown length: the limit applies while reading
	_, err := ReadBody(r, 10)
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("err = %v", err)
	}
	w := httptest.NewRecorder()
	WriteStatus(w, err)
	if w.Code != 413 || !strings.Contains(w.Body.String(), `"message":"Request entity too large: limit is 10","reason":"RequestEntityTooLarge"`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader("0123456789x")) // declared length 11
	if _, err := ReadBody(r, 10); apierrors.ReasonForError(err) != "RequestEntityTooLarge" {
		t.Fatalf("declared length over the limit: %v", err)
	}
}

func TestNotFound(t *testing.T) {
	w := httptest.NewRecorder()
	NotFound(w, httptest.NewRequest("GET", "/nope", nil))
	want := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}`
	if w.Code != 404 || strings.TrimSpace(w.Body.String()) != want {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

package healthz

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHandler(t *testing.T) {
	etcdErr := errors.New("connection refused")
	var etcdDown bool
	etcd := NamedCheck("etcd", func(*http.Request) error {
		if etcdDown {
			return etcdErr
		}
		return nil
	})
	hook := NewPostStartHook("start-informers")
	hook.Complete()
	h := Handler("readyz", Ping, etcd, hook)
	cases := []struct {
		name     string
		down     bool
		url      string
		wantCode int
		wantBody string
	}{
		{"all checks passing answer ok", false, "/readyz", 200, "ok"},
		{"verbose lists every check", false, "/readyz?verbose",
			200, "[+]ping ok\n[+]etcd ok\n[+]poststarthook/start-informers ok\nreadyz check passed\n"},
		{"a failing check is 500 and withholds the reason", true, "/readyz",
			500, "[+]ping ok\n[-]etcd failed: reason withheld\n[+]poststarthook/start-informers ok\nreadyz check failed\n"},
		{"an excluded check is not run", true, "/readyz?exclude=etcd&verbose",
			200, "[+]ping ok\n[+]etcd excluded: ok\n[+]poststarthook/start-informers ok\nreadyz check passed\n"},
		{"excluding an unknown check warns", false, "/readyz?verbose&exclude=nope",
			200, "[+]ping ok\n[+]etcd ok\n[+]poststarthook/start-informers ok\nwarn: some health checks cannot be excluded: no matches for \"nope\"\nreadyz check passed\n"},
		{"a single check path runs that check", false, "/readyz/etcd", 200, "ok"},
		{"a failing single check gives its error", true, "/readyz/etcd", 500, "internal server error: connection refused\n"},
		{"a hook check has a slash in its path", false, "/readyz/poststarthook/start-informers", 200, "ok"},
		{"an unknown check is 404", false, "/readyz/nope", 404, "404 page not found\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			etcdDown = c.down
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", c.url, nil))
			if w.Code != c.wantCode || w.Body.String() != c.wantBody {
				t.Fatalf("%d %q, want %d %q", w.Code, w.Body.String(), c.wantCode, c.wantBody)
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestPostStartHookFailsUntilComplete(t *testing.T) {
	hook := NewPostStartHook("x")
	if hook.Name() != "poststarthook/x" || hook.Check(nil) == nil {
		t.Fatal("an incomplete hook passed")
	}
	hook.Complete()
	if hook.Check(nil) != nil {
		t.Fatal("a complete hook failed")
	}
}

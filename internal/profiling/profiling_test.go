package profiling

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestInstall(t *testing.T) {
	mux := http.NewServeMux()
	Install(mux)
	cases := []struct{ path, want string }{
		{"/debug/pprof/", "goroutine"},
		{"/debug/pprof/goroutine?debug=1", "goroutine profile:"},
		{"/debug/pprof/cmdline", "profiling.test"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), c.want) {
				t.Errorf("%d %.200q, want 200 with %q", rec.Code, rec.Body.String(), c.want)
			}
		})
	}
}

package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"keel.dev/keel/pkg/kubelet/stats"
)

type summaries struct {
	only []bool
	err  error
}

func (s *summaries) Summary(_ context.Context, only bool) (*stats.Summary, error) {
	s.only = append(s.only, only)
	if s.err != nil {
		return nil, s.err
	}
	cores, ws := uint64(250_000_000), uint64(1<<20)
	return &stats.Summary{Node: stats.NodeStats{NodeName: "n1"}, Pods: []stats.PodStats{{
		PodRef:     stats.PodReference{Name: "web", Namespace: "default", UID: "u1"},
		Containers: []stats.ContainerStats{{Name: "app", CPU: &stats.CPUStats{UsageNanoCores: &cores, UsageCoreNanoSeconds: &cores}}},
		CPU:        &stats.CPUStats{UsageNanoCores: &cores}, Memory: &stats.MemoryStats{WorkingSetBytes: &ws},
	}}}, nil
}

func TestStatsEndpoints(t *testing.T) {
	cases := []struct {
		name     string
		path     string
		err      error
		code     int
		only     []bool
		contains string
	}{
		{"the summary is JSON", "/stats/summary", nil, 200, []bool{false}, `"podRef":{"name":"web","namespace":"default","uid":"u1"}`},
		{"only_cpu_and_memory is passed on", "/stats/summary?only_cpu_and_memory=true", nil, 200, []bool{true}, `"usageNanoCores":250000000`},
		{"a bad only_cpu_and_memory is rejected", "/stats/summary?only_cpu_and_memory=maybe", nil, 400, nil, "only_cpu_and_memory"},
		{"a failing provider answers 500", "/stats/summary", errors.New("runtime down"), 500, []bool{false}, "runtime down"},
		{"resource metrics are Prometheus text", "/metrics/resource", nil, 200, []bool{true},
			`container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"} 0.25`},
		{"resource metrics report a scrape error", "/metrics/resource", errors.New("down"), 200, []bool{true}, "resource_scrape_error 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &summaries{err: c.err}
			s := New(Config{Pods: pods{}, Stats: p})
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
			if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.contains) {
				t.Errorf("%s: %d %s", c.path, rec.Code, rec.Body)
			}
			if len(p.only) != len(c.only) || len(c.only) > 0 && p.only[0] != c.only[0] {
				t.Errorf("provider called with %v, want %v", p.only, c.only)
			}
			if c.code == 200 && strings.HasPrefix(c.path, "/stats/") {
				var sum stats.Summary
				if err := json.Unmarshal(rec.Body.Bytes(), &sum); err != nil || rec.Header().Get("Content-Type") != "application/json" {
					t.Errorf("body does not decode: %v (%s)", err, rec.Header().Get("Content-Type"))
				}
			}
		})
	}
	t.Run("without a provider the endpoints are not found", func(t *testing.T) {
		rec := httptest.NewRecorder()
		New(Config{Pods: pods{}}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/stats/summary", nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("code = %d", rec.Code)
		}
	})
}

func TestRotatingFileFollowsARotation(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/0.log"
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r := &rotatingFile{path: path, f: f}
	defer r.Close()
	read := func() string {
		b, _ := io.ReadAll(r)
		return string(b)
	}
	steps := []struct {
		name, want string
		before     func()
	}{
		{"the current file is read", "old\n", func() {}},
		{"while the log is renamed away nothing is read", "", func() {
			if err := os.Rename(path, path+".20260101-000000"); err != nil {
				t.Fatal(err)
			}
		}},
		{"the reopened file is read next", "new\n", func() {
			if err := os.WriteFile(path, []byte("new\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"later writes to it follow", "more\n", func() {
			fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = fh.WriteString("more\n")
			fh.Close()
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.before()
			if got := read(); got != s.want {
				t.Errorf("read %q, want %q", got, s.want)
			}
		})
	}
}

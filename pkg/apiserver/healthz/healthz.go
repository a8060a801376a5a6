package healthz

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
)

// Checker is one named health check. Check is called for every probe, from
// many goroutines at once, and returns nil when healthy.
type Checker interface {
	Name() string
	Check(r *http.Request) error
}

type namedCheck struct {
	name string
	fn   func(*http.Request) error
}

func (c namedCheck) Name() string                { return c.name }
func (c namedCheck) Check(r *http.Request) error { return c.fn(r) }

// NamedCheck returns a Checker calling fn.
func NamedCheck(name string, fn func(r *http.Request) error) Checker {
	return namedCheck{name: name, fn: fn}
}

// Ping is the check that always passes.
var Ping = NamedCheck("ping", func(*http.Request) error { return nil })

// PostStartHook is a check, named "poststarthook/<name>", that fails until
// Complete is called.
type PostStartHook struct {
	name string
	done atomic.Bool
}

// NewPostStartHook returns an incomplete hook check.
func NewPostStartHook(name string) *PostStartHook {
	return &PostStartHook{name: "poststarthook/" + name}
}

// Name implements Checker.
func (h *PostStartHook) Name() string { return h.name }

// Check implements Checker.
func (h *PostStartHook) Check(*http.Request) error {
	if !h.done.Load() {
		return fmt.Errorf("not finished")
	}
	return nil
}

// Complete marks the hook as done; the check passes from now on.
func (h *PostStartHook) Complete() { h.done.Store(true) }

// Handler serves one health endpoint (name is "healthz", "livez" or
// "readyz") and its per-check sub-paths /<name>/<check>. Mount it on both
// "/<name>" and "/<name>/".
func Handler(name string, checks ...Checker) http.Handler {
	byName := map[string]Checker{}
	for _, c := range checks {
		byName[c.Name()] = c
	}
	root := "/" + name
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		path := strings.TrimSuffix(r.URL.Path, "/")
		if path == root {
			serveAll(w, r, name, checks)
			return
		}
		c, ok := byName[strings.TrimPrefix(path, root+"/")]
		if !ok || !strings.HasPrefix(path, root+"/") {
			http.NotFound(w, r)
			return
		}
		setPlain(w)
		if err := c.Check(r); err != nil {
			http.Error(w, fmt.Sprintf("internal server error: %v", err), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, "ok")
	})
}

func setPlain(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

func serveAll(w http.ResponseWriter, r *http.Request, name string, checks []Checker) {
	q := r.URL.Query()
	_, verbose := q["verbose"]
	excluded := map[string]bool{}
	for _, e := range q["exclude"] {
		for _, n := range strings.Split(e, ",") {
			if n = strings.TrimSpace(n); n != "" {
				excluded[n] = true
			}
		}
	}
	var out bytes.Buffer
	failed := false
	for _, c := range checks {
		if excluded[c.Name()] {
			fmt.Fprintf(&out, "[+]%s excluded: ok\n", c.Name())
			delete(excluded, c.Name())
			continue
		}
		if err := c.Check(r); err != nil {
			slog.InfoContext(r.Context(), name+" check failed", "check", c.Name(), "err", err)
			fmt.Fprintf(&out, "[-]%s failed: reason withheld\n", c.Name())
			failed = true
			continue
		}
		fmt.Fprintf(&out, "[+]%s ok\n", c.Name())
	}
	if len(excluded) > 0 {
		names := make([]string, 0, len(excluded))
		for n := range excluded {
			names = append(names, strconv.Quote(n))
		}
		sort.Strings(names)
		fmt.Fprintf(&out, "warn: some health checks cannot be excluded: no matches for %s\n", strings.Join(names, ","))
	}
	setPlain(w)
	if failed {
		http.Error(w, fmt.Sprintf("%s%s check failed", out.String(), name), http.StatusInternalServerError)
		return
	}
	if !verbose {
		fmt.Fprint(w, "ok")
		return
	}
	fmt.Fprintf(&out, "%s check passed\n", name)
	_, _ = w.Write(out.Bytes())
}

// Package profiling mounts Go's runtime profiles (net/http/pprof) under
// /debug/pprof/ on a component's HTTP mux, the endpoints Kubernetes'
// components serve when profiling is on.
package profiling

import (
	"net/http"
	"net/http/pprof"
)

// Install adds /debug/pprof/ (the index and every named profile),
// /debug/pprof/cmdline, /profile, /symbol and /trace to mux.
func Install(mux *http.ServeMux) {
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
}

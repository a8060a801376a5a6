package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"keel.dev/keel/pkg/kubelet/stats"
)

// SummaryProvider computes the Summary API document.
type SummaryProvider interface {
	Summary(ctx context.Context, onlyCPUAndMemory bool) (*stats.Summary, error)
}

// summary serves GET /stats/summary[?only_cpu_and_memory=true].
func (s *Server) summary(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Stats == nil {
		http.Error(w, "stats are not available", http.StatusNotFound)
		return
	}
	only := false
	if v := r.URL.Query().Get("only_cpu_and_memory"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			http.Error(w, fmt.Sprintf("invalid only_cpu_and_memory %q: %v", v, err), http.StatusBadRequest)
			return
		}
		only = b
	}
	sum, err := s.cfg.Stats.Summary(r.Context(), only)
	if err != nil {
		http.Error(w, fmt.Sprintf("failed to get node info: %v", err), http.StatusInternalServerError)
		return
	}
	data, err := json.Marshal(sum)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}

// resourceMetrics serves GET /metrics/resource.
func (s *Server) resourceMetrics(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Stats == nil {
		http.Error(w, "stats are not available", http.StatusNotFound)
		return
	}
	sum, err := s.cfg.Stats.Summary(r.Context(), true)
	if err != nil {
		sum = &stats.Summary{}
		s.cfg.Logger.Warn("resource metrics", "err", err)
	}
	w.Header().Set("Content-Type", stats.ResourceMetricsContentType)
	_ = stats.WriteResourceMetrics(w, sum, err != nil)
}

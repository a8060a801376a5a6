package metricsapi

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
)

// scraper fetches node summaries in parallel and caches each one (or its
// failure) for ttl, so that a burst of requests costs one kubelet call per
// node.
type scraper struct {
	fetch   SummaryFetcher
	ttl     time.Duration
	timeout time.Duration
	now     func() time.Time
	log     *slog.Logger

	mu      sync.Mutex
	entries map[string]*cacheEntry
}

// cacheEntry is the last scrape of one node. Its lock is held while the
// node is being fetched, so concurrent requests wait for one fetch.
type cacheEntry struct {
	mu   sync.Mutex
	key  string // the kubelet address the entry was fetched from
	at   time.Time
	sum  *Summary
	err  error
	used time.Time
}

func (s *scraper) entry(name string, now time.Time) *cacheEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[name]
	if !ok {
		e = &cacheEntry{}
		s.entries[name] = e
	}
	e.used = now
	// Forget nodes nobody asked about for a while (deleted nodes).
	for n, old := range s.entries {
		if n != name && now.Sub(old.used) > 30*s.ttl {
			delete(s.entries, n)
		}
	}
	return e
}

// summaries returns the summary of every node that answered, by node
// name; nodes whose kubelet fails are left out (and logged).
func (s *scraper) summaries(ctx context.Context, nodes []*corev1.Node) map[string]*Summary {
	out := make(map[string]*Summary, len(nodes))
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for _, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum, err := s.summary(ctx, n)
			if err != nil {
				s.log.Warn("metrics: node summary unavailable", "node", n.Name, "err", err)
				return
			}
			mu.Lock()
			out[n.Name] = sum
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// summary returns the cached summary of n, fetching it when the cache is
// older than ttl or was filled from another kubelet address.
func (s *scraper) summary(ctx context.Context, n *corev1.Node) (*Summary, error) {
	host, port, err := KubeletAddress(n)
	if err != nil {
		return nil, err
	}
	key := net.JoinHostPort(host, strconv.Itoa(port))
	now := s.now()
	e := s.entry(n.Name, now)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.key == key && !e.at.IsZero() && s.now().Sub(e.at) < s.ttl {
		return e.sum, e.err
	}
	fctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	sum, err := s.fetch.Summary(fctx, n)
	if ctx.Err() != nil {
		// The caller went away: do not cache its cancellation.
		return nil, ctx.Err()
	}
	e.key, e.at, e.sum, e.err = key, s.now(), sum, err
	return sum, err
}

package etcd3

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// compactKey is the etcd key apiservers sharing a cluster use to take turns:
// its version counts compaction rounds, so only one of them compacts per
// interval.
const compactKey = "compact_rev_key"

// DefaultCompactionInterval is how often, and so how much history is kept.
const DefaultCompactionInterval = 5 * time.Minute

// Compactor compacts etcd periodically, keeping about one interval of
// history: each round compacts to the revision seen at the previous round.
type Compactor struct {
	client    *clientv3.Client
	interval  time.Duration
	compacted atomic.Int64

	// Round state, owned by the loop.
	lastVersion int64
	lastRev     int64
}

// NewCompactor returns a Compactor; interval <= 0 means the default.
func NewCompactor(client *clientv3.Client, interval time.Duration) *Compactor {
	if interval <= 0 {
		interval = DefaultCompactionInterval
	}
	return &Compactor{client: client, interval: interval}
}

// Run compacts every interval until ctx is done. Errors are retried at the
// next round.
func (c *Compactor) Run(ctx context.Context) {
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = c.Round(ctx)
		}
	}
}

// CompactedRevision returns the revision this compactor last compacted to.
func (c *Compactor) CompactedRevision() int64 { return c.compacted.Load() }

// Round runs one round: claim the round through the compact key, then
// compact to the revision recorded at the previous claimed round. It is not
// safe to call concurrently with itself.
func (c *Compactor) Round(ctx context.Context) error {
	resp, err := c.client.Txn(ctx).
		If(clientv3.Compare(clientv3.Version(compactKey), "=", c.lastVersion)).
		Then(clientv3.OpPut(compactKey, "")).
		Else(clientv3.OpGet(compactKey)).
		Commit()
	if err != nil {
		return interpret(compactKey, err)
	}
	if !resp.Succeeded {
		// Someone else ran this round; follow their count.
		if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) > 0 {
			c.lastVersion = kvs[0].Version
		}
		c.lastRev = 0
		return nil
	}
	c.lastVersion++
	prev := c.lastRev
	c.lastRev = resp.Header.Revision
	if prev == 0 {
		return nil
	}
	return c.compact(ctx, prev)
}

func (c *Compactor) compact(ctx context.Context, rev int64) error {
	if _, err := c.client.Compact(ctx, rev); err != nil {
		return interpret("revision "+strconv.FormatInt(rev, 10), err)
	}
	for {
		old := c.compacted.Load()
		if old >= rev || c.compacted.CompareAndSwap(old, rev) {
			return nil
		}
	}
}

// Compact compacts etcd to rev right away (tests, tools).
func Compact(ctx context.Context, client *clientv3.Client, rev int64) error {
	if _, err := client.Compact(ctx, rev); err != nil {
		return interpret("revision "+strconv.FormatInt(rev, 10), err)
	}
	return nil
}

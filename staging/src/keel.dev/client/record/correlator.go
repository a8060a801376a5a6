package record

import (
	"strings"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/client/clock"
	"keel.dev/client/util/flowcontrol"
)

// Aggregation and spam-filter parameters, as in Kubernetes.
const (
	maxSimilarEvents = 10
	similarInterval  = 10 * time.Minute
	spamBurst        = 25
	spamQPS          = 1.0 / 300
	maxCacheEntries  = 4096
	combinedPrefix   = "(combined from similar events): "
)

type aggregateRecord struct {
	messages map[string]struct{}
	last     time.Time
}

// correlator decides whether an event is dropped, created or patched.
type correlator struct {
	clock clock.Clock
	mu    sync.Mutex
	spam  map[string]*flowcontrol.TokenBucket
	agg   map[string]*aggregateRecord
	seen  map[string]*corev1.Event
}

func newCorrelator(c clock.Clock) *correlator {
	return &correlator{clock: c, spam: map[string]*flowcontrol.TokenBucket{}, agg: map[string]*aggregateRecord{}, seen: map[string]*corev1.Event{}}
}

type correlation struct {
	event *corev1.Event
	key   string
	patch bool
}

func objectKey(ev *corev1.Event) string {
	o := ev.InvolvedObject
	return strings.Join([]string{ev.Source.Component, ev.Source.Host, o.Kind, o.Namespace, o.Name, string(o.UID), o.APIVersion}, "\x00")
}

// correlate returns the event to write and whether to patch an existing
// one; ok is false when the spam filter drops the event.
func (c *correlator) correlate(ev *corev1.Event) (res correlation, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()

	okey := objectKey(ev)
	// one bucket per object and event type, as in Kubernetes: a storm of
	// warnings (a failing probe) does not silence the object's Normal events.
	skey := okey + "\x00" + ev.Type
	bucket := c.spam[skey]
	if bucket == nil {
		if len(c.spam) >= maxCacheEntries {
			c.spam = map[string]*flowcontrol.TokenBucket{}
		}
		bucket = flowcontrol.NewTokenBucket(spamQPS, spamBurst, flowcontrol.WithClock(c.clock))
		c.spam[skey] = bucket
	}
	if !bucket.TryAccept() {
		return res, false
	}

	akey := okey + "\x00" + ev.Type + "\x00" + ev.Reason
	rec := c.agg[akey]
	if rec == nil || now.Sub(rec.last) > similarInterval {
		if len(c.agg) >= maxCacheEntries {
			c.agg = map[string]*aggregateRecord{}
		}
		rec = &aggregateRecord{messages: map[string]struct{}{}}
		c.agg[akey] = rec
	}
	rec.messages[ev.Message] = struct{}{}
	rec.last = now
	key := akey + "\x00" + ev.Message
	if len(rec.messages) >= maxSimilarEvents {
		ev = ev.DeepCopy()
		ev.Message = combinedPrefix + ev.Message
		key = akey
	}

	if prev := c.seen[key]; prev != nil {
		out := ev.DeepCopy()
		out.Name = prev.Name
		out.Namespace = prev.Namespace
		out.ResourceVersion = prev.ResourceVersion
		out.FirstTimestamp = prev.FirstTimestamp
		out.Count = prev.Count + 1
		// Remember the bump now so a quick repeat counts from here.
		prev.Count = out.Count
		return correlation{event: out, key: key, patch: true}, true
	}
	return correlation{event: ev, key: key}, true
}

// stored remembers the written event under key.
func (c *correlator) stored(key string, ev *corev1.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) >= maxCacheEntries {
		c.seen = map[string]*corev1.Event{}
	}
	c.seen[key] = ev.DeepCopy()
}

// forget drops key after a failed write.
func (c *correlator) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.seen, key)
}

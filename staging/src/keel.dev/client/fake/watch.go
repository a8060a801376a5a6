package fake

import (
	"strconv"
	"sync"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/watch"
)

func typesUID(s string) types.UID { return types.UID(s) }

// trackerWatch buffers the events of one watch without bounding the
// tracker: offer never blocks.
type trackerWatch struct {
	gvr    schema.GroupVersionResource
	ns     string
	filter func(runtime.Object) bool
	mu     sync.Mutex
	queue  []watch.Event
	signal chan struct{}
}

func (w *trackerWatch) offer(ev event) {
	if ev.gvr != w.gvr {
		return
	}
	if w.ns != "" && ev.obj.(interface{ GetNamespace() string }).GetNamespace() != w.ns {
		return
	}
	if w.filter != nil && !w.filter(ev.obj) {
		return
	}
	w.mu.Lock()
	w.queue = append(w.queue, watch.Event{Type: ev.typ, Object: ev.obj.DeepCopyObject()})
	w.mu.Unlock()
	select {
	case w.signal <- struct{}{}:
	default:
	}
}

// next pops the queued events.
func (w *trackerWatch) next() []watch.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.queue
	w.queue = nil
	return q
}

// watchFrom starts a watch of gvr in ns from resourceVersion: "" or "0" first
// replays the current objects as ADDED; a version older than the retained
// history fails with 410 Gone.
func (t *Tracker) watchFrom(gvr schema.GroupVersionResource, ns, resourceVersion string, filter func(runtime.Object) bool) (*trackerWatch, func(), error) {
	w := &trackerWatch{gvr: gvr, ns: ns, filter: filter, signal: make(chan struct{}, 1)}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch resourceVersion {
	case "", "0":
		for k, obj := range t.objects[gvr] {
			if ns == "" || k.namespace == ns {
				w.offer(event{gvr: gvr, typ: watch.Added, obj: obj})
			}
		}
	default:
		rv, err := strconv.ParseInt(resourceVersion, 10, 64)
		if err != nil {
			return nil, nil, apierrors.NewBadRequest("invalid resource version " + resourceVersion)
		}
		if rv < t.compact {
			return nil, nil, apierrors.NewResourceExpired("too old resource version: " + resourceVersion + " (" + strconv.FormatInt(t.compact, 10) + ")")
		}
		for _, ev := range t.history {
			if ev.rv > rv {
				w.offer(ev)
			}
		}
	}
	t.watchers[w] = struct{}{}
	stop := func() {
		t.mu.Lock()
		delete(t.watchers, w)
		t.mu.Unlock()
	}
	return w, stop, nil
}

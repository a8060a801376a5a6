package rest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer"
	"keel.dev/apimachinery/pkg/watch"
)

// Watch sends the request with watch=true and returns the decoded event
// stream. ERROR events carry a *metav1.Status. The request timeout does not
// apply; cancel ctx or call Stop to end the watch.
func (r *Request) Watch(ctx context.Context) (watch.Interface, error) {
	r.params.Set("watch", "true")
	ctx, cancel := context.WithCancel(ctx)
	var w *streamWatcher
	err := r.do(ctx, func(resp *http.Response) error {
		ct := resp.Header.Get("Content-Type")
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return r.transformError(resp.StatusCode, ct, body)
		}
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			mt = runtime.ContentTypeJSON
		}
		dec, err := r.c.codecs.NewWatchDecoder(resp.Body, mt)
		if err != nil {
			resp.Body.Close()
			return fmt.Errorf("watch %s: %w", r.resource, err)
		}
		w = newStreamWatcher(dec, resp.Body, cancel)
		return nil
	})
	if err != nil {
		cancel()
		return nil, err
	}
	return w, nil
}

// streamWatcher turns a decoded event stream into a watch.Interface.
type streamWatcher struct {
	dec    *serializer.WatchDecoder
	body   io.Closer
	cancel context.CancelFunc
	result chan watch.Event
	done   chan struct{}
	once   sync.Once
}

func newStreamWatcher(dec *serializer.WatchDecoder, body io.Closer, cancel context.CancelFunc) *streamWatcher {
	w := &streamWatcher{dec: dec, body: body, cancel: cancel, result: make(chan watch.Event), done: make(chan struct{})}
	go w.receive()
	return w
}

// ResultChan returns the event channel; it is closed when the stream ends.
func (w *streamWatcher) ResultChan() <-chan watch.Event { return w.result }

// Stop ends the watch and closes the channel.
func (w *streamWatcher) Stop() {
	w.once.Do(func() {
		close(w.done)
		w.cancel()
		w.body.Close()
	})
}

func (w *streamWatcher) stopped() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

func (w *streamWatcher) receive() {
	defer close(w.result)
	defer w.Stop()
	for {
		typ, obj, err := w.dec.Decode(nil)
		if err != nil {
			if w.stopped() || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.Canceled) {
				return
			}
			w.send(watch.Event{Type: watch.Error, Object: &apierrors.NewInternalError(fmt.Errorf("decode watch event: %w", err)).ErrStatus})
			return
		}
		et := watch.EventType(typ)
		switch et {
		case watch.Added, watch.Modified, watch.Deleted, watch.Bookmark:
		case watch.Error:
			if _, ok := obj.(*metav1.Status); !ok {
				obj = &apierrors.NewInternalError(fmt.Errorf("watch error event of kind %T", obj)).ErrStatus
			}
		default:
			obj = &apierrors.NewInternalError(fmt.Errorf("unknown watch event type %q", typ)).ErrStatus
			et = watch.Error
		}
		if !w.send(watch.Event{Type: et, Object: obj}) {
			return
		}
	}
}

func (w *streamWatcher) send(ev watch.Event) bool {
	select {
	case w.result <- ev:
		return true
	case <-w.done:
		return false
	}
}

package record

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/clock"
	"keel.dev/client/typed"
)

// Event types.
const (
	EventTypeNormal  = "Normal"
	EventTypeWarning = "Warning"
)

// QueueSize bounds the events waiting to be written.
const QueueSize = 1000

// EventRecorder is what controllers depend on to emit events.
type EventRecorder interface {
	// Event records an event about obj.
	Event(obj runtime.Object, eventType, reason, message string)
	// Eventf records an event with a formatted message.
	Eventf(obj runtime.Object, eventType, reason, messageFmt string, args ...any)
}

// Recorder is the EventRecorder writing through a clientset.
type Recorder struct {
	cs     *typed.Clientset
	source corev1.EventSource
	clock  clock.Clock
	scheme *runtime.Scheme
	corr   *correlator

	queue chan *corev1.Event
	mu    sync.Mutex
	cond  *sync.Cond
	busy  int // queued or being written
	// lastNanos is the suffix of the last event name.
	lastNanos int64
	done      chan struct{}
	once      sync.Once
	wg        sync.WaitGroup
}

var _ EventRecorder = (*Recorder)(nil)

// Option configures a Recorder.
type Option func(*Recorder)

// WithClock sets the clock of timestamps and the aggregation windows.
func WithClock(c clock.Clock) Option { return func(r *Recorder) { r.clock = c } }

// NewRecorder returns a running recorder emitting as component on host;
// call Shutdown to flush and stop it.
func NewRecorder(cs *typed.Clientset, component, host string, opts ...Option) *Recorder {
	r := &Recorder{
		cs: cs, source: corev1.EventSource{Component: component, Host: host},
		clock: clock.Real{}, scheme: cs.REST().Scheme(),
		queue: make(chan *corev1.Event, QueueSize), done: make(chan struct{}),
	}
	r.cond = sync.NewCond(&r.mu)
	for _, o := range opts {
		o(r)
	}
	r.corr = newCorrelator(r.clock)
	r.wg.Add(1)
	go r.loop()
	return r
}

// Event records an event about obj.
func (r *Recorder) Event(obj runtime.Object, eventType, reason, message string) {
	ev, err := r.makeEvent(obj, eventType, reason, message)
	if err != nil {
		slog.Debug("event dropped", "reason", reason, "err", err)
		return
	}
	r.mu.Lock()
	select {
	case <-r.done:
		r.mu.Unlock()
		return
	default:
	}
	select {
	case r.queue <- ev:
		r.busy++
	default:
		slog.Debug("event queue full, dropping event", "reason", reason)
	}
	r.mu.Unlock()
}

// Eventf records an event with a formatted message.
func (r *Recorder) Eventf(obj runtime.Object, eventType, reason, messageFmt string, args ...any) {
	r.Event(obj, eventType, reason, fmt.Sprintf(messageFmt, args...))
}

// Flush waits until every queued event has been written (or dropped).
func (r *Recorder) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.busy > 0 {
		r.cond.Wait()
	}
}

// Shutdown flushes the queue and stops the recorder.
func (r *Recorder) Shutdown() {
	r.once.Do(func() {
		r.Flush()
		r.mu.Lock()
		close(r.done)
		r.mu.Unlock()
		r.wg.Wait()
	})
}

func (r *Recorder) loop() {
	defer r.wg.Done()
	for {
		select {
		case <-r.done:
			return
		case ev := <-r.queue:
			r.write(ev)
			r.mu.Lock()
			r.busy--
			r.cond.Broadcast()
			r.mu.Unlock()
		}
	}
}

// makeEvent builds the event about obj.
func (r *Recorder) makeEvent(obj runtime.Object, eventType, reason, message string) (*corev1.Event, error) {
	ref, err := Reference(r.scheme, obj)
	if err != nil {
		return nil, err
	}
	now := metav1.NewTime(r.clock.Now())
	ns := ref.Namespace
	if ns == "" {
		ns = "default"
	}
	return &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: fmt.Sprintf("%v.%x", ref.Name, r.uniqueNanos(now.UnixNano())), Namespace: ns},
		InvolvedObject: *ref,
		Reason:         reason,
		Message:        message,
		FirstTimestamp: now,
		LastTimestamp:  now,
		Count:          1,
		Type:           eventType,
		Source:         r.source,
	}, nil
}

// uniqueNanos returns n, or one more than the last value returned, so that
// event names stay unique when the clock does not move.
func (r *Recorder) uniqueNanos(n int64) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n <= r.lastNanos {
		n = r.lastNanos + 1
	}
	r.lastNanos = n
	return n
}

// Reference builds the ObjectReference of obj (kind and apiVersion from the
// scheme when the object leaves them empty).
func Reference(scheme *runtime.Scheme, obj runtime.Object) (*corev1.ObjectReference, error) {
	m, ok := obj.(metav1.Object)
	if !ok {
		return nil, fmt.Errorf("event about %T: no object metadata", obj)
	}
	gvk := obj.GetObjectKind().GroupVersionKind()
	if gvk.Kind == "" {
		var err error
		if gvk, err = scheme.ObjectKind(obj); err != nil {
			return nil, fmt.Errorf("event about %T: %w", obj, err)
		}
	}
	return &corev1.ObjectReference{
		Kind: gvk.Kind, APIVersion: gvk.GroupVersion().String(),
		Namespace: m.GetNamespace(), Name: m.GetName(), UID: m.GetUID(), ResourceVersion: m.GetResourceVersion(),
	}, nil
}

// write correlates ev and creates or patches it.
func (r *Recorder) write(ev *corev1.Event) {
	res, ok := r.corr.correlate(ev)
	if !ok {
		return // spam-filtered
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := r.cs.CoreV1().Events(res.event.Namespace)
	var stored *corev1.Event
	var err error
	if res.patch {
		patch, _ := json.Marshal(map[string]any{
			"count":         res.event.Count,
			"lastTimestamp": res.event.LastTimestamp,
			"message":       res.event.Message,
		})
		stored, err = events.Patch(ctx, res.event.Name, types.MergePatchType, patch, metav1.PatchOptions{})
		if apierrors.IsNotFound(err) {
			res.event.ResourceVersion = ""
			stored, err = events.Create(ctx, res.event, metav1.CreateOptions{})
		}
	} else {
		stored, err = events.Create(ctx, res.event, metav1.CreateOptions{})
		if err != nil && !isStatusError(err) {
			stored, err = events.Create(ctx, res.event, metav1.CreateOptions{})
		}
	}
	if err != nil {
		slog.Debug("event write failed", "reason", res.event.Reason, "err", err)
		r.corr.forget(res.key)
		return
	}
	r.corr.stored(res.key, stored)
}

func isStatusError(err error) bool {
	_, ok := err.(apierrors.APIStatus)
	return ok
}

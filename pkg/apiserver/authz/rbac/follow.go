package rbac

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
)

// follower keeps an in-memory view of one resource current: it lists,
// then watches from the list's revision, and lists again (backing off
// from 100 ms to 5 s after errors) whenever the watch ends or fails.
// replace and apply run with mu held.
type follower struct {
	what, resource string
	lw             ListWatcher
	mu             sync.Locker
	replace        func(objs []runtime.Object) error
	apply          func(deleted bool, obj runtime.Object) error
	listed         func()
	log            *slog.Logger
}

// firstList returns a listed callback that, on its first call only,
// counts one resource off pending and closes synced at zero.
func firstList(pending *atomic.Int32, synced chan struct{}) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			if pending.Add(-1) == 0 {
				close(synced)
			}
		})
	}
}

// run follows the resource until ctx ends.
func (f follower) run(ctx context.Context) {
	delay := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := f.listAndWatch(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			delay = 100 * time.Millisecond
			continue
		}
		f.log.Warn(f.what+": relisting", "resource", f.resource, "err", err, "retryIn", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Second)
	}
}

// listAndWatch replaces the view with a fresh list, calls listed, then
// applies watch events until the watch ends (nil) or fails.
func (f follower) listAndWatch(ctx context.Context) error {
	objs, rev, err := f.lw.List(ctx)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	f.mu.Lock()
	err = f.replace(objs)
	f.mu.Unlock()
	if err != nil {
		return err
	}
	f.listed()
	w, err := f.lw.Watch(ctx, rev)
	if err != nil {
		return fmt.Errorf("watch from %d: %w", rev, err)
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.ResultChan():
			if !ok {
				return nil
			}
			switch ev.Type {
			case watch.Added, watch.Modified, watch.Deleted:
				f.mu.Lock()
				err := f.apply(ev.Type == watch.Deleted, ev.Object)
				f.mu.Unlock()
				if err != nil {
					return err
				}
			case watch.Error:
				if st, ok := ev.Object.(*metav1.Status); ok {
					return fmt.Errorf("watch: %s", st.Message)
				}
				return errors.New("watch: error event")
			}
		}
	}
}

package watch

import (
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
)

func TestFakeWatcher(t *testing.T) {
	obj := &runtime.Unknown{Raw: []byte("x")}
	cases := []struct {
		name string
		send func(f *FakeWatcher)
		want EventType
	}{
		{"Add sends an ADDED event", func(f *FakeWatcher) { f.Add(obj) }, Added},
		{"Modify sends a MODIFIED event", func(f *FakeWatcher) { f.Modify(obj) }, Modified},
		{"Delete sends a DELETED event", func(f *FakeWatcher) { f.Delete(obj) }, Deleted},
		{"Error sends an ERROR event", func(f *FakeWatcher) { f.Error(obj) }, Error},
		{"Action sends a BOOKMARK event", func(f *FakeWatcher) { f.Action(Bookmark, obj) }, Bookmark},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFakeWithChanSize(1)
			tc.send(f)
			ev := <-f.ResultChan()
			if ev.Type != tc.want || ev.Object != obj {
				t.Fatalf("got %v %v, want %v", ev.Type, ev.Object, tc.want)
			}
			f.Stop()
			f.Stop()
			if !f.IsStopped() {
				t.Fatal("IsStopped is false after Stop")
			}
			if _, ok := <-f.ResultChan(); ok {
				t.Fatal("result channel still open after Stop")
			}
		})
	}
}

func TestProxyWatcher(t *testing.T) {
	t.Run("events written to the channel come out of ResultChan", func(t *testing.T) {
		ch := make(chan Event, 1)
		p := NewProxyWatcher(ch)
		ch <- Event{Type: Added}
		if ev := <-p.ResultChan(); ev.Type != Added {
			t.Fatalf("got %v", ev.Type)
		}
	})
	t.Run("Stop closes StopChan and may be called twice", func(t *testing.T) {
		p := NewProxyWatcher(make(chan Event))
		p.Stop()
		p.Stop()
		select {
		case <-p.StopChan():
		default:
			t.Fatal("StopChan not closed")
		}
	})
	t.Run("an empty watch is already closed", func(t *testing.T) {
		w := NewEmptyWatch()
		w.Stop()
		if _, ok := <-w.ResultChan(); ok {
			t.Fatal("channel open")
		}
	})
}

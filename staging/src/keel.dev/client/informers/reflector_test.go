package informers

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/client/clock"
)

var podsGR = schema.GroupResource{Resource: "pods"}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestReflectorPaginatesTheInitialList(t *testing.T) {
	lw := newScriptedLW()
	lw.lists = []listResult{
		{items: []*corev1.Pod{pod("ns", "a", "1")}, rv: "5", cont: "tok1"},
		{items: []*corev1.Pod{pod("ns", "b", "2")}, rv: "5", cont: "tok2"},
		{items: []*corev1.Pod{pod("ns", "c", "3")}, rv: "5"},
	}
	inf := NewInformer[*corev1.Pod](lw, podsGR, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go inf.Run(ctx)
	<-lw.watchCalled
	if inf.Store().Len() != 3 || !inf.HasSynced() {
		t.Fatalf("store has %d objects, synced=%v", inf.Store().Len(), inf.HasSynced())
	}
	lw.mu.Lock()
	defer lw.mu.Unlock()
	conts := []string{lw.listOpts[0].Continue, lw.listOpts[1].Continue, lw.listOpts[2].Continue}
	if !slices.Equal(conts, []string{"", "tok1", "tok2"}) || lw.listOpts[0].Limit != PageSize || lw.listOpts[0].ResourceVersion != "" {
		t.Errorf("list options = %+v", lw.listOpts)
	}
	w := lw.watchOpts[0]
	if w.ResourceVersion != "5" || !w.AllowWatchBookmarks {
		t.Errorf("watch options = %+v", w)
	}
}

func TestReflectorRelistsOn410WithoutGoingBackInTime(t *testing.T) {
	lw := newScriptedLW()
	w1 := watch.NewFakeWithChanSize(10)
	lw.lists = []listResult{
		{items: []*corev1.Pod{pod("ns", "a", "9"), pod("ns", "b", "10")}, rv: "10"},
		// A lagging server answers the relist with an older snapshot: refused.
		{items: []*corev1.Pod{pod("ns", "a", "9"), pod("ns", "b", "10")}, rv: "11"},
		{items: []*corev1.Pod{pod("ns", "a", "14"), pod("ns", "c", "15")}, rv: "15"},
	}
	lw.watches = []*watch.FakeWatcher{w1}
	fc := clock.NewFake(time.Unix(0, 0))
	inf := NewInformer[*corev1.Pod](lw, podsGR, 0, WithInformerClock(fc))
	rec := &recorder{}
	inf.AddEventHandler(rec)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go inf.Run(ctx)
	<-lw.watchCalled
	w1.Modify(pod("ns", "a", "12"))
	w1.Add(&corev1.Pod{}) // an object without version must not reset the version
	w1.Action(watch.Bookmark, pod("", "", "13"))
	w1.Error(&apierrors.NewResourceExpired("too old resource version: 10 (13)").ErrStatus)
	// The stale relist fails and the reflector backs off on the fake clock.
	fc.BlockUntil(1)
	if rv := inf.LastSyncResourceVersion(); rv != "13" {
		t.Fatalf("after the stale list the version is %q, want 13 (never back in time)", rv)
	}
	if p, _ := inf.Store().Get("ns", "a"); p.ResourceVersion != "12" {
		t.Fatalf("the stale list was applied: a@%s", p.ResourceVersion)
	}
	fc.Step(time.Minute)
	<-lw.watchCalled
	eventually(t, "handlers", func() bool { return len(rec.snapshot()) == 8 })
	want := []string{
		"add a@9 initial=true", "add b@10 initial=true",
		"update a@9->12", "add @ initial=false",
		"add c@15 initial=false", "update a@12->14", "delete b@10", "delete @",
	}
	got := rec.snapshot()
	slices.Sort(got[4:])
	slices.Sort(want[4:])
	if !slices.Equal(got, want) {
		t.Errorf("handler saw\n%q\nwant\n%q", got, want)
	}
	lw.mu.Lock()
	defer lw.mu.Unlock()
	for i, o := range lw.listOpts {
		if o.ResourceVersion != "" {
			t.Errorf("list %d used resourceVersion %q; relists must read the latest state", i, o.ResourceVersion)
		}
	}
	if got := lw.watchOpts[len(lw.watchOpts)-1].ResourceVersion; got != "15" {
		t.Errorf("re-watch from %q, want 15", got)
	}
}

func TestReflectorBacksOffOnWatchErrorsAndResumes(t *testing.T) {
	lw := newScriptedLW()
	lw.lists = []listResult{{items: nil, rv: "3"}}
	lw.watchErrs = []error{apierrors.NewServiceUnavailable("down"), nil}
	fc := clock.NewFake(time.Unix(0, 0))
	inf := NewInformer[*corev1.Pod](lw, podsGR, 0, WithInformerClock(fc))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go inf.Run(ctx)
	<-lw.watchCalled
	fc.BlockUntil(1)
	fc.Step(time.Minute)
	<-lw.watchCalled
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if len(lw.listOpts) != 1 || lw.watchOpts[1].ResourceVersion != "3" {
		t.Errorf("a failed watch relisted or lost its place: lists=%d watch=%+v", len(lw.listOpts), lw.watchOpts)
	}
}

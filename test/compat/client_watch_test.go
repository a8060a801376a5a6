package compat

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/pager"
)

func TestClientGoPagerWalksEveryPage(t *testing.T) {
	s := sharedAPIServer(t)
	for _, ct := range contentTypes {
		t.Run("over "+ct.name, func(t *testing.T) {
			ctx := testContext(t, 40*time.Second)
			cs := s.Clientset(t, ct.value)
			ns := newNamespace(t, ctx, cs, "page-"+ct.name)
			const total = 23
			for i := 0; i < total; i++ {
				if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
					ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%02d", i)},
				}, metav1.CreateOptions{}); err != nil {
					t.Fatalf("create: %v", err)
				}
			}
			pages := 0
			p := pager.New(pager.SimplePageFunc(func(opts metav1.ListOptions) (runtime.Object, error) {
				pages++
				list, err := cs.CoreV1().ConfigMaps(ns).List(ctx, opts)
				if err == nil && len(list.Items) > 5 {
					return nil, fmt.Errorf("page of %d items exceeds limit 5", len(list.Items))
				}
				return list, err
			}))
			p.PageSize = 5
			seen := map[string]bool{}
			err := p.EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
				cm := obj.(*corev1.ConfigMap)
				if seen[cm.Name] {
					return fmt.Errorf("%s seen twice", cm.Name)
				}
				seen[cm.Name] = true
				return nil
			})
			if err != nil {
				t.Fatalf("pager: %v", err)
			}
			// The namespace also holds kube-root-ca.crt when a controller publishes it.
			if len(seen) < total || pages < 5 {
				t.Fatalf("pager saw %d configmaps in %d pages, want >= %d in >= 5", len(seen), pages, total)
			}
		})
	}
}

func TestClientGoWatchDeliversEvents(t *testing.T) {
	s := sharedAPIServer(t)
	for _, ct := range contentTypes {
		t.Run("over "+ct.name, func(t *testing.T) {
			ctx := testContext(t, 30*time.Second)
			cs := s.Clientset(t, ct.value)
			ns := newNamespace(t, ctx, cs, "watch-"+ct.name)
			cms := cs.CoreV1().ConfigMaps(ns)
			list, err := cms.List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			w, err := cms.Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion, AllowWatchBookmarks: true})
			if err != nil {
				t.Fatalf("watch: %v", err)
			}
			defer w.Stop()
			cm, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "w"}, Data: map[string]string{"v": "1"}}, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cm.Data["v"] = "2"
			if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := cms.Delete(ctx, "w", metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			want := []struct {
				typ watch.EventType
				v   string
			}{{watch.Added, "1"}, {watch.Modified, "2"}, {watch.Deleted, "2"}}
			for _, exp := range want {
				ev := nextEvent(t, w, 10*time.Second)
				got, ok := ev.Object.(*corev1.ConfigMap)
				if !ok {
					t.Fatalf("event %s carries %T", ev.Type, ev.Object)
				}
				if ev.Type != exp.typ || got.Name != "w" || got.Data["v"] != exp.v {
					t.Fatalf("event %s %s v=%s, want %s w v=%s", ev.Type, got.Name, got.Data["v"], exp.typ, exp.v)
				}
			}
		})
	}
}

// nextEvent returns the next non-bookmark event or fails after d.
func nextEvent(t *testing.T, w watch.Interface, d time.Duration) watch.Event {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch closed early")
			}
			if ev.Type == watch.Error {
				t.Fatalf("watch error event: %#v", ev.Object)
			}
			if ev.Type == watch.Bookmark {
				continue
			}
			return ev
		case <-timer.C:
			t.Fatalf("no watch event within %s", d)
		}
	}
}

// cmRecorder collects informer notifications for ConfigMaps.
type cmRecorder struct {
	mu     sync.Mutex
	events []string
	notify chan struct{}
}

func newRecorder() *cmRecorder { return &cmRecorder{notify: make(chan struct{}, 1000)} }

func (r *cmRecorder) add(s string) {
	r.mu.Lock()
	r.events = append(r.events, s)
	r.mu.Unlock()
	r.notify <- struct{}{}
}

func (r *cmRecorder) handler() cache.ResourceEventHandlerFuncs {
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj interface{}) {
			cm := obj.(*corev1.ConfigMap)
			r.add("add " + cm.Name + "=" + cm.Data["v"])
		},
		UpdateFunc: func(old, obj interface{}) {
			o, n := old.(*corev1.ConfigMap), obj.(*corev1.ConfigMap)
			if o.ResourceVersion == n.ResourceVersion {
				return // resync
			}
			r.add("update " + n.Name + "=" + n.Data["v"])
		},
		DeleteFunc: func(obj interface{}) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			cm := obj.(*corev1.ConfigMap)
			r.add("delete " + cm.Name)
		},
	}
}

// waitFor blocks until the recorder has seen event or fails after d.
func (r *cmRecorder) waitFor(t *testing.T, event string, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		r.mu.Lock()
		for _, e := range r.events {
			if e == event {
				r.mu.Unlock()
				return
			}
		}
		seen := append([]string(nil), r.events...)
		r.mu.Unlock()
		select {
		case <-r.notify:
		case <-deadline:
			t.Fatalf("informer did not deliver %q within %s; saw %q", event, d, seen)
		}
	}
}

func TestClientGoInformerSeesAddUpdateDelete(t *testing.T) {
	s := sharedAPIServer(t)
	for _, ct := range contentTypes {
		t.Run("over "+ct.name, func(t *testing.T) {
			ctx := testContext(t, 40*time.Second)
			cs := s.Clientset(t, ct.value)
			ns := newNamespace(t, ctx, cs, "inf-"+ct.name)
			cms := cs.CoreV1().ConfigMaps(ns)
			if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "before"}, Data: map[string]string{"v": "0"}}, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace(ns))
			inf := factory.Core().V1().ConfigMaps().Informer()
			rec := newRecorder()
			if _, err := inf.AddEventHandler(rec.handler()); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			stop := make(chan struct{})
			factory.Start(stop)
			defer func() { close(stop); factory.Shutdown() }()
			// client-go streams the initial list (WatchList); a server that ignored
			// sendInitialEvents would leave the informer unsynced for minutes.
			syncCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if !cache.WaitForCacheSync(syncCtx.Done(), inf.HasSynced) {
				t.Fatalf("informer not synced within 10s")
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("informer took %s to sync", d)
			}
			rec.waitFor(t, "add before=0", 5*time.Second)

			cm, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "live"}, Data: map[string]string{"v": "1"}}, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rec.waitFor(t, "add live=1", 10*time.Second)
			cm.Data["v"] = "2"
			if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			rec.waitFor(t, "update live=2", 10*time.Second)
			if err := cms.Delete(ctx, "live", metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			rec.waitFor(t, "delete live", 10*time.Second)
			lister := factory.Core().V1().ConfigMaps().Lister().ConfigMaps(ns)
			if _, err := lister.Get("before"); err != nil {
				t.Fatalf("lister lost 'before': %v", err)
			}
		})
	}
}

func TestClientGoInformerSurvivesAPIServerRestart(t *testing.T) {
	s := newAPIServer(t, "restart")
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	ctx := testContext(t, 55*time.Second)
	cs := s.Clientset(t, protobufContentType)
	ns := newNamespace(t, ctx, cs, "restart")
	cms := cs.CoreV1().ConfigMaps(ns)
	for _, name := range []string{"keep", "change", "remove"} {
		if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string]string{"v": "1"}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace(ns))
	inf := factory.Core().V1().ConfigMaps().Informer()
	rec := newRecorder()
	if _, err := inf.AddEventHandler(rec.handler()); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	factory.Start(stop)
	defer func() { close(stop); factory.Shutdown() }()
	syncCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if !cache.WaitForCacheSync(syncCtx.Done(), inf.HasSynced) {
		t.Fatalf("informer not synced within 10s")
	}
	rec.waitFor(t, "add change=1", 5*time.Second)

	if err := s.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	// Change the data behind the informer's back: another server process on the
	// same data dir and port does the writes, then the informer must catch up.
	if err := s.Start(); err != nil {
		t.Fatalf("restart: %v", err)
	}
	// A fresh client: the old one's connections point at the dead process.
	cs2 := s.Clientset(t, "")
	cms2 := cs2.CoreV1().ConfigMaps(ns)
	cm, err := cms2.Get(ctx, "change", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get after restart: %v", err)
	}
	cm.Data["v"] = "2"
	if _, err := cms2.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cms2.Delete(ctx, "remove", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cms2.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "new"}, Data: map[string]string{"v": "1"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "update change=2", 30*time.Second)
	rec.waitFor(t, "delete remove", 10*time.Second)
	rec.waitFor(t, "add new=1", 10*time.Second)

	// A second restart: the informer keeps delivering.
	if err := s.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if err := s.Start(); err != nil {
		t.Fatalf("second restart: %v", err)
	}
	cs3 := s.Clientset(t, "")
	if _, err := cs3.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "after"}, Data: map[string]string{"v": "1"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "add after=1", 30*time.Second)
	lister := factory.Core().V1().ConfigMaps().Lister().ConfigMaps(ns)
	for name, want := range map[string]string{"keep": "1", "change": "2", "new": "1", "after": "1"} {
		got, err := lister.Get(name)
		if err != nil || got.Data["v"] != want {
			t.Fatalf("lister %s: %v %v, want v=%s", name, got, err, want)
		}
	}
	if _, err := lister.Get("remove"); err == nil {
		t.Fatalf("lister still holds 'remove'")
	}
}

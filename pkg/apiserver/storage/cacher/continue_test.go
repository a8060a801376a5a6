package cacher

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestContinuationsAvoidEtcdWhenNothingChanged(t *testing.T) {
	var etcdLists atomic.Int64
	s, err := etcd3.New(etcd3.Config{Client: storagetest.Etcd(t), Codec: storagetest.JSONCodec{},
		NewFunc: storagetest.NewWidget, Prefix: storagetest.Prefix(),
		Observe: func(op string, _ time.Duration) {
			if op == "list" {
				etcdLists.Add(1)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, n := range []string{"a", "b", "c", "d"} {
		if _, err := s.Create(ctx, "/widgets/ns/"+n, storagetest.MakeWidget("ns", n, nil), storage.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := New(Config{Storage: s, ResourcePrefix: "/widgets"})
	if err != nil {
		t.Fatal(err)
	}
	go c.Run(ctx)
	<-c.Ready()
	page := func(cont string) *storage.ListResult {
		t.Helper()
		res, err := c.GetList(ctx, "/widgets", storage.ListOptions{Recursive: true, Limit: 2, Continue: cont})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := page("")
	before := etcdLists.Load()
	second := page(first.Continue)
	if got := etcdLists.Load() - before; got != 0 {
		t.Fatalf("an unchanged continuation listed etcd %d times", got)
	}
	if len(second.Items) != 2 || second.Items[0].(*storagetest.Widget).Name != "c" || second.Continue != "" {
		t.Fatalf("second page %+v", second)
	}
	// A change ahead of the cursor sends the continuation to etcd.
	if _, err := c.Delete(ctx, "/widgets/ns/d", storage.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for c.Revision() == first.ResourceVersion {
		time.Sleep(5 * time.Millisecond)
	}
	before = etcdLists.Load()
	again := page(first.Continue)
	if got := etcdLists.Load() - before; got != 1 {
		t.Fatalf("a changed continuation listed etcd %d times, want 1", got)
	}
	if len(again.Items) != 2 || again.Items[1].(*storagetest.Widget).Name != "d" {
		t.Fatalf("the continuation lost the state at its revision: %+v", again.Items)
	}
}

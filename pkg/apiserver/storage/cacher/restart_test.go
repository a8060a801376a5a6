package cacher

import (
	"context"
	"testing"
	"time"

	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestRestartRelistsAndEndsOpenWatches(t *testing.T) {
	s := storagetest.Store(t)
	c, err := New(Config{Storage: s, ResourcePrefix: "/widgets"})
	if err != nil {
		t.Fatal(err)
	}
	ctx1, stop1 := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx1); close(done) }()
	<-c.Ready()
	first, err := c.Create(context.Background(), "/widgets/ns/a", storagetest.MakeWidget("ns", "a", nil), storage.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Watch(context.Background(), "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: "0"})
	if err != nil {
		t.Fatal(err)
	}
	stop1()
	<-done
	timeout := time.After(5 * time.Second)
drain:
	for {
		select {
		case _, ok := <-w.ResultChan():
			if !ok {
				break drain
			}
		case <-timeout:
			t.Fatal("open watch not ended by the cacher's stop")
		}
	}
	if _, err := s.Create(context.Background(), "/widgets/ns/b", storagetest.MakeWidget("ns", "b", nil), storage.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx2, stop2 := context.WithCancel(context.Background())
	defer stop2()
	go c.Run(ctx2)

	t.Run("the relisted cache has the writes made while it was down", func(t *testing.T) {
		var res *storage.ListResult
		var err error
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if res, err = c.GetList(context.Background(), "/widgets", storage.ListOptions{Recursive: true}); err == nil && len(res.Items) == 2 {
				return
			}
		}
		t.Fatalf("got %v, %v", res, err)
	})
	t.Run("a watch from before the relist is expired", func(t *testing.T) {
		w, err := c.Watch(context.Background(), "/widgets", storage.ListOptions{Recursive: true, ResourceVersion: first.(*storagetest.Widget).ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		ev := <-w.ResultChan()
		if !storage.IsExpired(storage.EventError(ev)) {
			t.Fatalf("got %v", ev)
		}
	})
	t.Run("keys outside the cached directory are served by etcd", func(t *testing.T) {
		if _, err := s.Create(context.Background(), "/gadgets/g", storagetest.MakeWidget("", "g", nil), storage.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := c.Get(context.Background(), "/gadgets/g", storage.GetOptions{ResourceVersion: "0"})
		if err != nil || got.(*storagetest.Widget).Name != "g" {
			t.Fatalf("got %v %v", got, err)
		}
	})
}

package rest

import (
	"context"
	"net/http"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
)

func TestWatchDecodesEventStreams(t *testing.T) {
	for _, mt := range []string{runtime.ContentTypeJSON, runtime.ContentTypeProtobuf} {
		t.Run("the "+mt+" framing", func(t *testing.T) {
			var c *Client
			_, cfg := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("watch") != "true" || r.URL.Query().Get("resourceVersion") != "7" {
					t.Errorf("query = %s", r.URL.RawQuery)
				}
				ct := mt
				if mt == runtime.ContentTypeProtobuf {
					ct += ";stream=watch"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(200)
				enc, err := c.Codecs().NewWatchEncoder(w, mt)
				if err != nil {
					t.Error(err)
					return
				}
				p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "ns", ResourceVersion: "8"}}
				_ = enc.Encode("ADDED", p)
				p2 := p.DeepCopy()
				p2.ResourceVersion, p2.Spec.NodeName = "9", "n1"
				_ = enc.Encode("MODIFIED", p2)
				_ = enc.Encode("BOOKMARK", &corev1.Pod{ObjectMeta: metav1.ObjectMeta{ResourceVersion: "10"}})
				_ = enc.Encode("ERROR", &apierrors.NewResourceExpired("too old resource version: 7 (9)").ErrStatus)
			}))
			cfg.ContentType = mt
			var err error
			if c, err = New(cfg); err != nil {
				t.Fatal(err)
			}
			w, err := c.Get().GroupVersion(podsGV).Namespace("ns").Resource("pods").Params(&metav1.ListOptions{ResourceVersion: "7"}).Watch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			var got []watch.Event
			for ev := range w.ResultChan() {
				got = append(got, ev)
			}
			if len(got) != 4 {
				t.Fatalf("got %d events, want 4", len(got))
			}
			if p := got[0].Object.(*corev1.Pod); got[0].Type != watch.Added || p.Name != "a" {
				t.Errorf("event 0 = %v %v", got[0].Type, p.Name)
			}
			if p := got[1].Object.(*corev1.Pod); got[1].Type != watch.Modified || p.Spec.NodeName != "n1" || p.ResourceVersion != "9" {
				t.Errorf("event 1 = %v %+v", got[1].Type, p.ObjectMeta)
			}
			if p := got[2].Object.(*corev1.Pod); got[2].Type != watch.Bookmark || p.ResourceVersion != "10" {
				t.Errorf("event 2 = %v %v", got[2].Type, p.ResourceVersion)
			}
			st, ok := got[3].Object.(*metav1.Status)
			if got[3].Type != watch.Error || !ok || !apierrors.IsResourceExpired(apierrors.FromObject(st)) {
				t.Errorf("event 3 = %v %#v", got[3].Type, got[3].Object)
			}
		})
	}
}

func TestWatchStopEndsTheStream(t *testing.T) {
	release := make(chan struct{})
	_, cfg := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer close(release)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Get().GroupVersion(podsGV).Resource("pods").Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.Stop()
	if _, open := <-w.ResultChan(); open {
		t.Fatal("result channel still open after Stop")
	}
}

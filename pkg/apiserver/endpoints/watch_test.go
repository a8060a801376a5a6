package endpoints

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"

	"keel.dev/keel/pkg/apiserver/storage"
)

func watchedConfigMap(rv string, value string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "w1", Namespace: "kcompat-probe", UID: "58bbd90b-c4b5-4274-bb35-bb773c11fcfd",
			ResourceVersion: rv, CreationTimestamp: metav1.NewTime(time.Date(2026, 11, 26, 18, 40, 7, 0, time.UTC))},
		Data: map[string]string{"a": value},
	}
}

func TestWatchStreamMatchesKubernetes(t *testing.T) {
	e := newEnv(t)
	fw := watch.NewFakeWithChanSize(10)
	e.cms.watcher = fw
	fw.Add(watchedConfigMap("16390", "1"))
	fw.Modify(watchedConfigMap("16391", "2"))
	fw.Delete(watchedConfigMap("16392", "2"))
	fw.Action(watch.Bookmark, storage.NewBookmark(func() runtime.Object { return &corev1.ConfigMap{} }, 16392, false))
	fw.Error(storage.ErrorEvent(storage.NewError(storage.ErrCodeExpired, "/configmaps", 16000, "too old resource version: 1 (16000)")).Object)
	fw.Stop()

	w := e.do("GET", "/api/v1/namespaces/kcompat-probe/configmaps?watch=true&resourceVersion=16389&allowWatchBookmarks=true&timeoutSeconds=8", nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("code %d type %q", w.Code, w.Header().Get("Content-Type"))
	}
	want := []string{
		`{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"w1","namespace":"kcompat-probe","uid":"58bbd90b-c4b5-4274-bb35-bb773c11fcfd","resourceVersion":"16390","creationTimestamp":"2026-11-26T18:40:07Z"},"data":{"a":"1"}}}`,
		`{"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"w1","namespace":"kcompat-probe","uid":"58bbd90b-c4b5-4274-bb35-bb773c11fcfd","resourceVersion":"16391","creationTimestamp":"2026-11-26T18:40:07Z"},"data":{"a":"2"}}}`,
		`{"type":"DELETED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"w1","namespace":"kcompat-probe","uid":"58bbd90b-c4b5-4274-bb35-bb773c11fcfd","resourceVersion":"16392","creationTimestamp":"2026-11-26T18:40:07Z"},"data":{"a":"2"}}}`,
		`{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"16392"}}}`,
		`{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (16000)","reason":"Expired","code":410}}`,
	}
	got := strings.Split(strings.TrimRight(w.Body.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), w.Body.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d\n%s\nwant\n%s", i, got[i], want[i])
		}
	}
	o := e.cms.lastList
	if o.ResourceVersion != "16389" || !o.AllowWatchBookmarks {
		t.Fatalf("watch options %+v", o)
	}
}

func TestWatchTableColumnsOnlyFirst(t *testing.T) {
	e := newEnv(t)
	fw := watch.NewFakeWithChanSize(10)
	e.pods.watcher = fw
	p := newPod("demo", "p1", nil)
	p.ResourceVersion = "5"
	fw.Add(p)
	p2 := p.DeepCopyObject().(*corev1.Pod)
	p2.ResourceVersion = "6"
	fw.Modify(p2)
	fw.Stop()
	w := e.do("GET", "/api/v1/namespaces/demo/pods?resourceVersion=4&watch=true", nil, "Accept", tableAccept)
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if w.Code != 200 || len(lines) != 2 {
		t.Fatalf("code %d body %s", w.Code, w.Body.String())
	}
	var ev [2]map[string]any
	for i := range lines {
		if err := json.Unmarshal([]byte(lines[i]), &ev[i]); err != nil {
			t.Fatal(err)
		}
		if dig(ev[i], "object", "kind") != "Table" || dig(ev[i], "object", "rows", 0, "object", "kind") != "PartialObjectMetadata" {
			t.Fatalf("event %d: %v", i, ev[i])
		}
	}
	if cols, _ := dig(ev[0], "object", "columnDefinitions").([]any); len(cols) != 9 {
		t.Fatalf("first event columns %v", dig(ev[0], "object", "columnDefinitions"))
	}
	if !strings.Contains(lines[1], `"columnDefinitions":null`) {
		t.Fatalf("second event carries columns: %s", lines[1])
	}
	if dig(ev[1], "object", "metadata", "resourceVersion") != "6" || ev[1]["type"] != "MODIFIED" {
		t.Fatalf("second event %v", ev[1])
	}
}

func TestWatchOptionsAndErrors(t *testing.T) {
	t.Run("a /watch/ path of one object selects it by name", func(t *testing.T) {
		e := newEnv(t)
		fw := watch.NewFakeWithChanSize(1)
		fw.Stop()
		e.pods.watcher = fw
		w := e.do("GET", "/api/v1/watch/namespaces/demo/pods/p1?sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true", nil)
		if w.Code != 200 {
			t.Fatalf("code %d: %s", w.Code, w.Body.String())
		}
		o := e.pods.lastList
		if v, ok := o.FieldSelector.RequiresExactMatch("metadata.name"); !ok || v != "p1" {
			t.Fatalf("field selector %v", o.FieldSelector)
		}
		if o.SendInitialEvents == nil || !*o.SendInitialEvents || o.ResourceVersionMatch != metav1.ResourceVersionMatchNotOlderThan {
			t.Fatalf("options %+v", o)
		}
	})
	t.Run("a watch the storage refuses answers the Status", func(t *testing.T) {
		e := newEnv(t)
		e.pods.watchErr = storage.NewError(storage.ErrCodeExpired, "/pods", 10, "too old resource version: 1 (10)")
		w := e.do("GET", "/api/v1/pods?watch=1&resourceVersion=1", nil)
		if s := status(t, w); w.Code != 410 || s.Reason != metav1.StatusReasonExpired {
			t.Fatalf("code %d status %+v", w.Code, s)
		}
	})
	t.Run("timeoutSeconds ends the watch", func(t *testing.T) {
		e := newEnv(t)
		e.pods.watcher = watch.NewFake()
		start := time.Now()
		w := e.do("GET", "/api/v1/pods?watch=true&timeoutSeconds=1", nil)
		if w.Code != 200 || time.Since(start) > 3*time.Second {
			t.Fatalf("code %d after %v", w.Code, time.Since(start))
		}
	})
	t.Run("a protobuf watch is framed as a protobuf stream", func(t *testing.T) {
		e := newEnv(t)
		fw := watch.NewFakeWithChanSize(1)
		fw.Add(newPod("demo", "p1", nil))
		fw.Stop()
		e.pods.watcher = fw
		w := e.do("GET", "/api/v1/pods?watch=true", nil, "Accept", "application/vnd.kubernetes.protobuf,application/json")
		if ct := w.Header().Get("Content-Type"); ct != "application/vnd.kubernetes.protobuf;stream=watch" {
			t.Fatalf("Content-Type %q", ct)
		}
		dec, err := e.codecs.NewWatchDecoder(w.Body, "application/vnd.kubernetes.protobuf")
		if err != nil {
			t.Fatal(err)
		}
		typ, obj, err := dec.Decode(nil)
		if err != nil || typ != "ADDED" || obj.(*corev1.Pod).Name != "p1" {
			t.Fatalf("event %s %v %v", typ, obj, err)
		}
	})
}

func TestWatchStreamsOverHTTP(t *testing.T) {
	e := newEnv(t)
	fw := watch.NewFake()
	e.pods.watcher = fw
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/pods?watch=true", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for i, name := range []string{"a", "b"} {
		sent := make(chan struct{})
		go func() { fw.Add(newPod("demo", name, nil)); close(sent) }()
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		<-sent
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil || dig(ev, "object", "metadata", "name") != name {
			t.Fatalf("event %d: %s (%v)", i, line, err)
		}
	}
	cancel() // the client goes away: the handler stops the storage watch
	deadline := time.Now().Add(3 * time.Second)
	for !fw.IsStopped() {
		if time.Now().After(deadline) {
			t.Fatal("the storage watch was not stopped after the client left")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

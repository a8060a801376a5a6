package watch

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"keel.dev/keel/pkg/apiserver/storage/etcd3"
	"keel.dev/keel/test/integration/framework"
)

const cmPath = "/api/v1/namespaces/default/configmaps"

type event struct {
	Type   string         `json:"type"`
	Object map[string]any `json:"object"`
}

// openWatch starts a JSON watch on path and returns its events.
func openWatch(t *testing.T, s *framework.TestServer, path string) <-chan event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	client := *s.Client
	client.Timeout = 0
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("watch %s: HTTP %d", path, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("watch content type %q", ct)
	}
	out := make(chan event, 100)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var ev event
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				out <- ev
			}
		}
	}()
	return out
}

func next(t *testing.T, events <-chan event) event {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("watch ended")
		}
		return ev
	case <-time.After(15 * time.Second):
		t.Fatal("no watch event within 15s")
	}
	return event{}
}

func TestWatchFromAResourceVersionSeesLaterEvents(t *testing.T) {
	s := framework.StartTestServer(t)
	first := s.Create(t, cmPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "before"}})
	rv := framework.String(first, "metadata.resourceVersion")

	s.Create(t, cmPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "w1"}, "data": map[string]any{"a": "1"}})
	framework.Expect(t, s.Do(t, framework.Request{Method: http.MethodPatch, Path: cmPath + "/w1",
		Body: []byte(`{"data":{"a":"2"}}`), ContentType: "application/merge-patch+json"}), http.StatusOK, "patch")
	framework.Expect(t, s.Do(t, framework.Request{Method: http.MethodDelete, Path: cmPath + "/w1"}), http.StatusOK, "delete")

	events := openWatch(t, s, cmPath+"?watch=1&resourceVersion="+rv)
	want := []struct{ typ, data string }{{"ADDED", "1"}, {"MODIFIED", "2"}, {"DELETED", "2"}}
	for _, w := range want {
		ev := next(t, events)
		if ev.Type != w.typ || framework.String(ev.Object, "metadata.name") != "w1" || framework.String(ev.Object, "data.a") != w.data {
			t.Fatalf("event %s %v, want %s of w1 with a=%s", ev.Type, ev.Object["metadata"], w.typ, w.data)
		}
		if framework.String(ev.Object, "kind") != "ConfigMap" {
			t.Errorf("event object kind %q", framework.String(ev.Object, "kind"))
		}
	}

	// And a live event after the watch started.
	s.Create(t, cmPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "live"}})
	if ev := next(t, events); ev.Type != "ADDED" || framework.String(ev.Object, "metadata.name") != "live" {
		t.Fatalf("live event %s %v", ev.Type, ev.Object["metadata"])
	}
}

func TestATooOldResourceVersionIsGone(t *testing.T) {
	s := framework.StartTestServer(t)
	events := openWatch(t, s, cmPath+"?watch=1&resourceVersion=1")
	ev := next(t, events)
	if ev.Type != "ERROR" || ev.Object["code"] != float64(410) || framework.String(ev.Object, "reason") != "Expired" {
		t.Fatalf("watch from resourceVersion 1: %s %v", ev.Type, ev.Object)
	}
}

func TestAContinueTokenOfACompactedRevisionIsGone(t *testing.T) {
	s := framework.StartTestServer(t)
	for _, n := range []string{"a", "b", "c"} {
		s.Create(t, cmPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": n}})
	}
	page := s.Get(t, cmPath+"?limit=1")
	framework.Expect(t, page, http.StatusOK, "first page")
	cont := framework.String(page.Object(t), "metadata.continue")
	if cont == "" {
		t.Fatal("no continue token")
	}
	// Move past the list's revision, then compact everything before now.
	s.Create(t, cmPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "d"}})
	cli := framework.EtcdClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cur, err := cli.Get(ctx, "compaction-probe")
	if err != nil {
		t.Fatal(err)
	}
	if err := etcd3.Compact(ctx, cli, cur.Header.Revision); err != nil {
		t.Fatal(err)
	}
	resp := s.Get(t, cmPath+"?limit=1&continue="+url.QueryEscape(cont))
	framework.Expect(t, resp, http.StatusGone, "continue after compaction")
	if framework.String(resp.Object(t), "reason") != "Expired" {
		t.Errorf("410 Status = %s", resp.Body)
	}
}

func TestAStreamingListSendsTheStateThenABookmark(t *testing.T) {
	s := framework.StartTestServer(t)
	for _, n := range []string{"s1", "s2"} {
		s.Create(t, cmPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": n}})
	}
	events := openWatch(t, s, cmPath+"?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")
	added := map[string]bool{}
	for {
		ev := next(t, events)
		switch ev.Type {
		case "ADDED":
			added[framework.String(ev.Object, "metadata.name")] = true
			continue
		case "BOOKMARK":
			ann, _ := framework.Field(ev.Object, "metadata.annotations").(map[string]any)
			if ann["k8s.io/initial-events-end"] != "true" {
				t.Fatalf("first bookmark lacks the initial-events-end annotation: %v", ev.Object)
			}
			if framework.String(ev.Object, "metadata.resourceVersion") == "" {
				t.Errorf("bookmark without resourceVersion: %v", ev.Object)
			}
		default:
			t.Fatalf("unexpected %s event: %v", ev.Type, ev.Object)
		}
		break
	}
	if !added["s1"] || !added["s2"] {
		t.Fatalf("initial events %v, want s1 and s2", added)
	}
}

package rest

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/test/integration/framework"
)

const cmPath = "/api/v1/namespaces/default/configmaps"

func configMap(name string, data map[string]string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": name}, "data": data}
}

func TestConfigMapCRUDWithJSON(t *testing.T) {
	s := framework.StartTestServer(t)
	created := s.Create(t, cmPath, configMap("one", map[string]string{"a": "1"}))
	for _, f := range []string{"metadata.uid", "metadata.resourceVersion", "metadata.creationTimestamp"} {
		if framework.String(created, f) == "" {
			t.Errorf("created object lacks %s: %v", f, created)
		}
	}
	got := s.Get(t, cmPath+"/one")
	framework.Expect(t, got, http.StatusOK, "GET")
	obj := got.Object(t)
	if framework.String(obj, "data.a") != "1" || framework.String(obj, "kind") != "ConfigMap" || framework.String(obj, "apiVersion") != "v1" {
		t.Fatalf("GET = %v", obj)
	}

	obj["data"] = map[string]any{"a": "2"}
	upd := s.Do(t, framework.Request{Method: http.MethodPut, Path: cmPath + "/one", Body: framework.JSON(t, obj)})
	framework.Expect(t, upd, http.StatusOK, "PUT")
	if rv := framework.String(upd.Object(t), "metadata.resourceVersion"); rv == framework.String(created, "metadata.resourceVersion") {
		t.Errorf("resourceVersion did not change on update: %s", rv)
	}

	list := s.Get(t, cmPath)
	framework.Expect(t, list, http.StatusOK, "LIST")
	lo := list.Object(t)
	if framework.String(lo, "kind") != "ConfigMapList" || framework.String(lo, "metadata.resourceVersion") == "" {
		t.Errorf("list = %.300s", list.Body)
	}
	found := false
	for _, it := range framework.Items(lo) {
		if framework.String(it, "metadata.name") == "one" && framework.String(it, "data.a") == "2" {
			found = true
		}
	}
	if !found {
		t.Errorf("updated configmap not in the list: %.500s", list.Body)
	}

	del := s.Do(t, framework.Request{Method: http.MethodDelete, Path: cmPath + "/one"})
	framework.Expect(t, del, http.StatusOK, "DELETE")
	gone := s.Get(t, cmPath+"/one")
	framework.Expect(t, gone, http.StatusNotFound, "GET after DELETE")
	st := gone.Object(t)
	if framework.String(st, "reason") != "NotFound" || framework.String(st, "details.kind") != "configmaps" ||
		framework.String(st, "message") != `configmaps "one" not found` {
		t.Errorf("404 Status = %s", gone.Body)
	}
}

func TestConfigMapCRUDWithProtobuf(t *testing.T) {
	s := framework.StartTestServer(t)
	const pb = runtime.ContentTypeProtobuf
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: "proto"},
		Data:       map[string]string{"k": "v"},
	}
	resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: cmPath, Body: framework.Protobuf(t, cm), ContentType: pb, Accept: pb})
	framework.Expect(t, resp, http.StatusCreated, "POST protobuf")
	if ct := resp.Header.Get("Content-Type"); ct != pb {
		t.Errorf("answer content type %q", ct)
	}
	created, ok := framework.DecodeProtobuf(t, resp.Body).(*corev1.ConfigMap)
	if !ok || created.Data["k"] != "v" || created.UID == "" || created.ResourceVersion == "" {
		t.Fatalf("created = %#v", created)
	}

	get := s.Do(t, framework.Request{Method: http.MethodGet, Path: cmPath + "/proto", Accept: pb})
	framework.Expect(t, get, http.StatusOK, "GET protobuf")
	got := framework.DecodeProtobuf(t, get.Body).(*corev1.ConfigMap)
	if got.UID != created.UID {
		t.Errorf("GET uid %s, created %s", got.UID, created.UID)
	}

	got.Data["k"] = "w"
	put := s.Do(t, framework.Request{Method: http.MethodPut, Path: cmPath + "/proto", Body: framework.Protobuf(t, got), ContentType: pb, Accept: pb})
	framework.Expect(t, put, http.StatusOK, "PUT protobuf")
	if upd := framework.DecodeProtobuf(t, put.Body).(*corev1.ConfigMap); upd.Data["k"] != "w" {
		t.Errorf("updated data = %v", upd.Data)
	}

	list := s.Do(t, framework.Request{Method: http.MethodGet, Path: cmPath, Accept: pb})
	framework.Expect(t, list, http.StatusOK, "LIST protobuf")
	if l, ok := framework.DecodeProtobuf(t, list.Body).(*corev1.ConfigMapList); !ok || len(l.Items) == 0 {
		t.Errorf("protobuf list = %#v", l)
	}
}

func TestStaleUpdateIsAConflict(t *testing.T) {
	s := framework.StartTestServer(t)
	created := s.Create(t, cmPath, configMap("dup", map[string]string{"a": "1"}))
	fresh := s.Get(t, cmPath+"/dup").Object(t)
	fresh["data"] = map[string]any{"a": "2"}
	framework.Expect(t, s.Do(t, framework.Request{Method: http.MethodPut, Path: cmPath + "/dup", Body: framework.JSON(t, fresh)}), http.StatusOK, "first PUT")

	created["data"] = map[string]any{"a": "3"} // carries the first resourceVersion
	resp := s.Do(t, framework.Request{Method: http.MethodPut, Path: cmPath + "/dup", Body: framework.JSON(t, created)})
	framework.Expect(t, resp, http.StatusConflict, "stale PUT")
	st := resp.Object(t)
	want := `Operation cannot be fulfilled on configmaps "dup": the object has been modified; please apply your changes to the latest version and try again`
	if framework.String(st, "reason") != "Conflict" || framework.String(st, "message") != want {
		t.Errorf("409 Status = %s", resp.Body)
	}
	if v := framework.String(s.Get(t, cmPath+"/dup").Object(t), "data.a"); v != "2" {
		t.Errorf("stale write was stored: data.a = %s", v)
	}

	again := s.Do(t, framework.Request{Method: http.MethodPost, Path: cmPath, Body: framework.JSON(t, configMap("dup", nil))})
	framework.Expect(t, again, http.StatusConflict, "second create")
	if framework.String(again.Object(t), "reason") != "AlreadyExists" {
		t.Errorf("duplicate create Status = %s", again.Body)
	}
}

func TestInvalidNameIsUnprocessableWithCauses(t *testing.T) {
	s := framework.StartTestServer(t)
	resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: cmPath, Body: framework.JSON(t, configMap("Bad_Name", nil))})
	framework.Expect(t, resp, http.StatusUnprocessableEntity, "invalid name")
	st := resp.Object(t)
	if framework.String(st, "reason") != "Invalid" || framework.String(st, "details.kind") != "ConfigMap" ||
		framework.String(st, "details.name") != "Bad_Name" {
		t.Fatalf("422 Status = %s", resp.Body)
	}
	causes, _ := framework.Field(st, "details.causes").([]any)
	if len(causes) == 0 {
		t.Fatalf("no causes: %s", resp.Body)
	}
	c := causes[0].(map[string]any)
	if c["field"] != "metadata.name" || c["reason"] != "FieldValueInvalid" {
		t.Errorf("cause = %v", c)
	}
	framework.Expect(t, s.Get(t, cmPath+"/Bad_Name"), http.StatusNotFound, "GET of the invalid object")
}

func TestPaginationWalksEveryConfigMapOnce(t *testing.T) {
	s := framework.StartTestServer(t)
	const n = 1200
	ns := "/api/v1/namespaces/pages"
	s.Create(t, "/api/v1/namespaces", map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "pages"}})
	var wg sync.WaitGroup
	errs := make(chan string, n)
	sem := make(chan struct{}, 16)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			resp, err := s.Send(framework.Request{Method: http.MethodPost, Path: ns + "/configmaps", Body: framework.JSON(t, configMap(fmt.Sprintf("cm-%04d", i), nil))})
			if err != nil {
				errs <- err.Error()
				return
			}
			if resp.Code != http.StatusCreated {
				errs <- fmt.Sprintf("create %d: HTTP %d %s", i, resp.Code, resp.Body)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}

	seen := map[string]bool{}
	var pages []int
	cont := ""
	for {
		path := ns + "/configmaps?limit=500"
		if cont != "" {
			path += "&continue=" + url.QueryEscape(cont)
		}
		resp := s.Get(t, path)
		framework.Expect(t, resp, http.StatusOK, "page")
		obj := resp.Object(t)
		items := framework.Items(obj)
		pages = append(pages, len(items))
		for _, it := range items {
			name := framework.String(it, "metadata.name")
			if seen[name] {
				t.Fatalf("%s returned twice", name)
			}
			seen[name] = true
		}
		cont = framework.String(obj, "metadata.continue")
		if cont == "" {
			break
		}
		if len(pages) > 5 {
			t.Fatalf("too many pages: %v", pages)
		}
	}
	if len(seen) != n || fmt.Sprint(pages) != "[500 500 200]" {
		t.Fatalf("saw %d configmaps in pages %v", len(seen), pages)
	}
}

func TestCreatingInAMissingNamespaceIsNotFound(t *testing.T) {
	s := framework.StartTestServer(t)
	resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: "/api/v1/namespaces/nosuch/configmaps", Body: framework.JSON(t, configMap("orphan", nil))})
	framework.Expect(t, resp, http.StatusNotFound, "create in a missing namespace")
	if st := resp.Object(t); framework.String(st, "reason") != "NotFound" || framework.String(st, "details.kind") != "namespaces" {
		t.Errorf("Status = %s", resp.Body)
	}
}

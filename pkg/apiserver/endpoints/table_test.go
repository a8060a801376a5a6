package endpoints

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestTableList(t *testing.T) {
	e := newEnv(t)
	e.pods.put(newPod("kcompat-probe", "p1", map[string]string{"run": "p1"}))
	w := e.do("GET", "/api/v1/namespaces/kcompat-probe/pods?limit=500", nil, "Accept", tableAccept)
	if w.Code != 200 {
		t.Fatalf("code %d: %s", w.Code, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var tbl struct {
		Kind, APIVersion  string
		Metadata          map[string]any
		ColumnDefinitions []map[string]any
		Rows              []struct {
			Cells  []any
			Object map[string]any
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &tbl); err != nil {
		t.Fatal(err)
	}
	if tbl.Kind != "Table" || tbl.APIVersion != "meta.k8s.io/v1" || tbl.Metadata["resourceVersion"] != e.pods.lastListRV() {
		t.Fatalf("table envelope %s %s %v", tbl.Kind, tbl.APIVersion, tbl.Metadata)
	}
	var names []string
	for _, c := range tbl.ColumnDefinitions {
		keys := []string{}
		for k := range c {
			keys = append(keys, k)
		}
		if len(keys) != 5 {
			t.Fatalf("column %v lacks a member", c)
		}
		names = append(names, c["name"].(string))
	}
	if strings.Join(names, ",") != "Name,Ready,Status,Restarts,Age,IP,Node,Nominated Node,Readiness Gates" {
		t.Fatalf("columns %v", names)
	}
	if len(tbl.Rows) != 1 || !reflect.DeepEqual(tbl.Rows[0].Cells, []any{"p1", "0/1", "Pending", "0", "2s", "<none>", "<none>", "<none>", "<none>"}) {
		t.Fatalf("rows %+v", tbl.Rows)
	}
	obj := tbl.Rows[0].Object
	if obj["kind"] != "PartialObjectMetadata" || obj["apiVersion"] != "meta.k8s.io/v1" {
		t.Fatalf("row object %v", obj)
	}
	for _, k := range []string{"name", "namespace", "uid", "resourceVersion", "creationTimestamp", "labels"} {
		if dig(obj, "metadata", k) == nil {
			t.Fatalf("row object metadata lacks %s: %v", k, obj)
		}
	}
	if len(obj) != 3 {
		t.Fatalf("row object has more than kind, apiVersion and metadata: %v", obj)
	}
}

func TestTableSingleGetAndIncludeObject(t *testing.T) {
	e := newEnv(t)
	e.pods.put(newPod("demo", "p1", nil))
	tests := []struct {
		name, query string
		check       func(t *testing.T, row map[string]any)
	}{
		{name: "a single get prints one row with metadata", query: "", check: func(t *testing.T, row map[string]any) {
			if dig(row, "object", "kind") != "PartialObjectMetadata" {
				t.Fatalf("row %v", row)
			}
		}},
		{name: "includeObject=None leaves the object out", query: "?includeObject=None", check: func(t *testing.T, row map[string]any) {
			if row["object"] != nil {
				t.Fatalf("row %v", row)
			}
		}},
		{name: "includeObject=Object embeds the full object with its kind", query: "?includeObject=Object", check: func(t *testing.T, row map[string]any) {
			if dig(row, "object", "kind") != "Pod" || dig(row, "object", "apiVersion") != "v1" || dig(row, "object", "spec", "containers", 0, "name") != "main" {
				t.Fatalf("row %v", row)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := e.do("GET", "/api/v1/namespaces/demo/pods/p1"+tc.query, nil, "Accept", tableAccept)
			m := decodeMap(t, w)
			if w.Code != 200 || m["kind"] != "Table" || dig(m, "metadata", "resourceVersion") == nil {
				t.Fatalf("code %d body %v", w.Code, m)
			}
			tc.check(t, dig(m, "rows", 0).(map[string]any))
		})
	}
	t.Run("a bad includeObject is refused", func(t *testing.T) {
		w := e.do("GET", "/api/v1/namespaces/demo/pods/p1?includeObject=Some", nil, "Accept", tableAccept)
		if w.Code != 400 {
			t.Fatalf("code %d", w.Code)
		}
	})
}

func TestDefaultTable(t *testing.T) {
	e := newEnv(t)
	e.cms.put(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c1", Namespace: "demo"}})
	w := e.do("GET", "/api/v1/namespaces/demo/configmaps", nil, "Accept", tableAccept)
	m := decodeMap(t, w)
	if dig(m, "columnDefinitions", 0, "name") != "Name" || dig(m, "columnDefinitions", 1, "name") != "Created At" ||
		dig(m, "rows", 0, "cells", 0) != "c1" || dig(m, "rows", 0, "object", "metadata", "name") != "c1" {
		t.Fatalf("default table %v", m)
	}
}

func TestPartialObjectMetadata(t *testing.T) {
	e := newEnv(t)
	e.pods.put(newPod("demo", "p1", map[string]string{"a": "b"}))
	t.Run("a list comes as PartialObjectMetadataList", func(t *testing.T) {
		w := e.do("GET", "/api/v1/namespaces/demo/pods", nil, "Accept", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json")
		m := decodeMap(t, w)
		if m["kind"] != "PartialObjectMetadataList" || m["apiVersion"] != "meta.k8s.io/v1" || dig(m, "metadata", "resourceVersion") == nil ||
			dig(m, "items", 0, "metadata", "labels", "a") != "b" || dig(m, "items", 0, "spec") != nil {
			t.Fatalf("list %v", m)
		}
	})
	t.Run("an object comes as PartialObjectMetadata", func(t *testing.T) {
		w := e.do("GET", "/api/v1/namespaces/demo/pods/p1", nil, "Accept", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1")
		m := decodeMap(t, w)
		if m["kind"] != "PartialObjectMetadata" || dig(m, "metadata", "name") != "p1" || m["spec"] != nil {
			t.Fatalf("object %v", m)
		}
	})
	t.Run("a list asked as a single PartialObjectMetadata falls back to the next entry", func(t *testing.T) {
		w := e.do("GET", "/api/v1/namespaces/demo/pods", nil, "Accept", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json")
		if m := decodeMap(t, w); m["kind"] != "PodList" {
			t.Fatalf("list %v", m)
		}
	})
}

// lastListRV is the resourceVersion lists carry now.
func (f *fakeStore) lastListRV() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.TrimSpace(itoa(*f.rv))
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestTableV1beta1(t *testing.T) {
	e := newEnv(t)
	e.pods.put(newPod("demo", "p1", nil))
	w := e.do("GET", "/api/v1/namespaces/demo/pods", nil, "Accept", "application/json;as=Table;v=v1beta1;g=meta.k8s.io")
	m := decodeMap(t, w)
	if m["apiVersion"] != "meta.k8s.io/v1beta1" || dig(m, "rows", 0, "object", "apiVersion") != "meta.k8s.io/v1beta1" {
		t.Fatalf("table %v", m)
	}
}

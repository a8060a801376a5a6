package rest

import (
	"net/http"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

func pod(name string) map[string]any {
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": name, "labels": map[string]any{"run": name}},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": name, "image": "busybox"}}},
	}
}

func TestPodsPrintAsATable(t *testing.T) {
	s := framework.StartTestServer(t)
	s.Create(t, "/api/v1/namespaces/default/pods", pod("p1"))
	resp := s.Do(t, framework.Request{Method: http.MethodGet, Path: "/api/v1/namespaces/default/pods?limit=500", Accept: tableAccept})
	framework.Expect(t, resp, http.StatusOK, "GET pods as Table")
	table := resp.Object(t)
	if framework.String(table, "kind") != "Table" || framework.String(table, "apiVersion") != "meta.k8s.io/v1" ||
		framework.String(table, "metadata.resourceVersion") == "" {
		t.Fatalf("table = %.400s", resp.Body)
	}
	var cols []string
	for _, c := range table["columnDefinitions"].([]any) {
		cols = append(cols, c.(map[string]any)["name"].(string))
	}
	want := []string{"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"}
	if len(cols) != len(want) {
		t.Fatalf("columns %v, want %v", cols, want)
	}
	for i := range want {
		if cols[i] != want[i] {
			t.Fatalf("columns %v, want %v", cols, want)
		}
	}
	rows := table["rows"].([]any)
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	row := rows[0].(map[string]any)
	cells := row["cells"].([]any)
	if cells[0] != "p1" || cells[1] != "0/1" || cells[2] != "Pending" {
		t.Errorf("cells = %v", cells)
	}
	obj := row["object"].(map[string]any)
	if framework.String(obj, "kind") != "PartialObjectMetadata" || framework.String(obj, "metadata.namespace") != "default" ||
		framework.String(obj, "metadata.labels.run") != "p1" || framework.String(obj, "metadata.resourceVersion") == "" {
		t.Errorf("row object = %v", obj)
	}
}

package rest

import (
	"net/http"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestFinalizersKeepAnObjectUntilRemoved(t *testing.T) {
	s := framework.StartTestServer(t)
	cm := configMap("kept", nil)
	cm["metadata"].(map[string]any)["finalizers"] = []any{"example.com/keep"}
	s.Create(t, cmPath, cm)

	del := s.Do(t, framework.Request{Method: http.MethodDelete, Path: cmPath + "/kept"})
	framework.Expect(t, del, http.StatusOK, "DELETE with a finalizer")
	got := s.Get(t, cmPath+"/kept")
	framework.Expect(t, got, http.StatusOK, "GET after DELETE")
	if framework.String(got.Object(t), "metadata.deletionTimestamp") == "" {
		t.Fatalf("no deletionTimestamp: %s", got.Body)
	}

	patch := s.Do(t, framework.Request{Method: http.MethodPatch, Path: cmPath + "/kept",
		Body: []byte(`{"metadata":{"finalizers":null}}`), ContentType: "application/merge-patch+json"})
	if patch.Code != http.StatusOK {
		t.Fatalf("removing the finalizer: HTTP %d %s", patch.Code, patch.Body)
	}
	framework.Expect(t, s.Get(t, cmPath+"/kept"), http.StatusNotFound, "GET after the finalizer is gone")
}

package rest

import (
	"net/http"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

const deployPath = "/apis/apps/v1/namespaces/default/deployments"

func deployment(name string, replicas int) map[string]any {
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": name, "labels": map[string]any{"app": name}},
		"spec": map[string]any{
			"replicas": replicas,
			"selector": map[string]any{"matchLabels": map[string]any{"app": name}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": name}},
				"spec":     map[string]any{"containers": []any{map[string]any{"name": "app", "image": "nginx:1.27"}}},
			},
		},
	}
}

func TestStatusIsWrittenOnlyThroughTheStatusSubresource(t *testing.T) {
	s := framework.StartTestServer(t)
	s.Create(t, deployPath, deployment("web", 2))

	// Status through the main resource is ignored.
	obj := s.Get(t, deployPath+"/web").Object(t)
	obj["status"] = map[string]any{"replicas": 7}
	framework.Expect(t, s.Do(t, framework.Request{Method: http.MethodPut, Path: deployPath + "/web", Body: framework.JSON(t, obj)}), http.StatusOK, "PUT main")
	if r := framework.Field(s.Get(t, deployPath+"/web").Object(t), "status.replicas"); r != nil {
		t.Errorf("status written through the main resource: %v", r)
	}

	// Spec through the status subresource is ignored, status is written.
	obj = s.Get(t, deployPath+"/web/status").Object(t)
	obj["status"] = map[string]any{"replicas": 2, "readyReplicas": 1}
	obj["spec"].(map[string]any)["replicas"] = 9
	framework.Expect(t, s.Do(t, framework.Request{Method: http.MethodPut, Path: deployPath + "/web/status", Body: framework.JSON(t, obj)}), http.StatusOK, "PUT status")
	got := s.Get(t, deployPath+"/web").Object(t)
	if framework.Field(got, "status.readyReplicas") != float64(1) || framework.Field(got, "spec.replicas") != float64(2) {
		t.Errorf("after status update: spec.replicas=%v status.readyReplicas=%v", framework.Field(got, "spec.replicas"), framework.Field(got, "status.readyReplicas"))
	}
}

func TestScaleSubresourceReadsAndWritesReplicas(t *testing.T) {
	s := framework.StartTestServer(t)
	s.Create(t, deployPath, deployment("web", 2))
	resp := s.Get(t, deployPath+"/web/scale")
	framework.Expect(t, resp, http.StatusOK, "GET scale")
	scale := resp.Object(t)
	if framework.String(scale, "apiVersion") != "autoscaling/v1" || framework.String(scale, "kind") != "Scale" ||
		framework.Field(scale, "spec.replicas") != float64(2) {
		t.Fatalf("scale = %s", resp.Body)
	}
	patch := s.Do(t, framework.Request{Method: http.MethodPatch, Path: deployPath + "/web/scale",
		Body: []byte(`{"spec":{"replicas":5}}`), ContentType: "application/merge-patch+json"})
	framework.Expect(t, patch, http.StatusOK, "PATCH scale")
	if r := framework.Field(s.Get(t, deployPath+"/web").Object(t), "spec.replicas"); r != float64(5) {
		t.Errorf("spec.replicas after scaling = %v", r)
	}
	scale = s.Get(t, deployPath+"/web/scale").Object(t)
	scale["spec"] = map[string]any{"replicas": 1}
	framework.Expect(t, s.Do(t, framework.Request{Method: http.MethodPut, Path: deployPath + "/web/scale", Body: framework.JSON(t, scale)}), http.StatusOK, "PUT scale")
	if r := framework.Field(s.Get(t, deployPath+"/web").Object(t), "spec.replicas"); r != float64(1) {
		t.Errorf("spec.replicas after PUT scale = %v", r)
	}
}

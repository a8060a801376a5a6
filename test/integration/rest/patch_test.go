package rest

import (
	"net/http"
	"strings"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestEveryPatchType(t *testing.T) {
	s := framework.StartTestServer(t)
	s.Create(t, deployPath, deployment("web", 2))
	cases := []struct {
		name        string
		contentType string
		body        string
		check       func(t *testing.T, obj map[string]any)
	}{
		{
			"a JSON patch replaces a field", "application/json-patch+json",
			`[{"op":"replace","path":"/spec/replicas","value":3},{"op":"add","path":"/metadata/labels/tier","value":"front"}]`,
			func(t *testing.T, obj map[string]any) {
				if framework.Field(obj, "spec.replicas") != float64(3) || framework.String(obj, "metadata.labels.tier") != "front" {
					t.Errorf("spec.replicas=%v labels=%v", framework.Field(obj, "spec.replicas"), framework.Field(obj, "metadata.labels"))
				}
			},
		},
		{
			"a merge patch sets and deletes map keys", "application/merge-patch+json",
			`{"metadata":{"labels":{"tier":null,"env":"prod"}}}`,
			func(t *testing.T, obj map[string]any) {
				labels := framework.Field(obj, "metadata.labels").(map[string]any)
				if _, ok := labels["tier"]; ok || labels["env"] != "prod" || labels["app"] != "web" {
					t.Errorf("labels = %v", labels)
				}
			},
		},
		{
			"a strategic merge patch merges containers by name", "application/strategic-merge-patch+json",
			`{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"},{"name":"app","image":"nginx:1.28"}]}}}}`,
			func(t *testing.T, obj map[string]any) {
				cs := framework.Field(obj, "spec.template.spec.containers").([]any)
				images := map[string]string{}
				for _, c := range cs {
					m := c.(map[string]any)
					images[m["name"].(string)] = m["image"].(string)
				}
				if len(cs) != 2 || images["app"] != "nginx:1.28" || images["sidecar"] != "busybox" {
					t.Errorf("containers = %v", cs)
				}
			},
		},
		{
			"a server-side apply sets the applied fields", "application/apply-patch+yaml",
			`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","annotations":{"owner":"team-a"}}}`,
			func(t *testing.T, obj map[string]any) {
				if framework.String(obj, "metadata.annotations.owner") != "team-a" {
					t.Errorf("annotations = %v", framework.Field(obj, "metadata.annotations"))
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := deployPath + "/web"
			if strings.HasPrefix(c.contentType, "application/apply") {
				path += "?fieldManager=tester"
			}
			resp := s.Do(t, framework.Request{Method: http.MethodPatch, Path: path, Body: []byte(c.body), ContentType: c.contentType})
			framework.Expect(t, resp, http.StatusOK, c.name)
			c.check(t, resp.Object(t))
			c.check(t, s.Get(t, deployPath+"/web").Object(t))
		})
	}
}

func TestServerSideApplyCreatesAndDetectsConflicts(t *testing.T) {
	s := framework.StartTestServer(t)
	apply := func(manager string, replicas int, force bool) framework.Response {
		d := deployment("ssa", replicas)
		path := deployPath + "/ssa?fieldManager=" + manager
		if force {
			path += "&force=true"
		}
		return s.Do(t, framework.Request{Method: http.MethodPatch, Path: path, Body: framework.JSON(t, d), ContentType: "application/apply-patch+yaml"})
	}
	framework.Expect(t, apply("alice", 3, false), http.StatusCreated, "first apply creates")

	conflict := apply("bob", 5, false)
	framework.Expect(t, conflict, http.StatusConflict, "bob applies a field alice owns")
	st := conflict.Object(t)
	if framework.String(st, "reason") != "Conflict" || !strings.Contains(framework.String(st, "message"), ".spec.replicas") {
		t.Errorf("conflict Status = %s", conflict.Body)
	}
	if r := framework.Field(s.Get(t, deployPath+"/ssa").Object(t), "spec.replicas"); r != float64(3) {
		t.Errorf("the conflicting apply was stored: replicas %v", r)
	}

	forced := apply("bob", 5, true)
	framework.Expect(t, forced, http.StatusOK, "forced apply")
	obj := forced.Object(t)
	if framework.Field(obj, "spec.replicas") != float64(5) {
		t.Errorf("replicas after force = %v", framework.Field(obj, "spec.replicas"))
	}
	var managers []string
	for _, mf := range framework.Field(obj, "metadata.managedFields").([]any) {
		managers = append(managers, mf.(map[string]any)["manager"].(string))
	}
	if !strings.Contains(strings.Join(managers, ","), "bob") {
		t.Errorf("managedFields managers = %v", managers)
	}
}

package request

import (
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name   string
		method string
		url    string
		want   Info
	}{
		{"a pod get names the pod in its namespace", "GET", "/api/v1/namespaces/default/pods/web",
			Info{IsResourceRequest: true, Verb: "get", APIPrefix: "api", APIVersion: "v1", Namespace: "default", Resource: "pods", Name: "web"}},
		{"a namespaced collection GET is a list", "GET", "/api/v1/namespaces/default/pods",
			Info{IsResourceRequest: true, Verb: "list", APIPrefix: "api", APIVersion: "v1", Namespace: "default", Resource: "pods"}},
		{"an all-namespaces list has no namespace", "GET", "/api/v1/pods",
			Info{IsResourceRequest: true, Verb: "list", APIPrefix: "api", APIVersion: "v1", Resource: "pods"}},
		{"watch=true turns a list into a watch of the selected name", "GET", "/apis/apps/v1/namespaces/demo/deployments?watch=true&fieldSelector=metadata.name%3Dweb",
			Info{IsResourceRequest: true, Verb: "watch", APIPrefix: "apis", APIGroup: "apps", APIVersion: "v1", Namespace: "demo", Resource: "deployments", SelectorName: "web"}},
		{"a list selecting by name and more still names one object", "GET", "/api/v1/namespaces/default/secrets?fieldSelector=type%3Dx,metadata.name%3D%3Ds",
			Info{IsResourceRequest: true, Verb: "list", APIPrefix: "api", APIVersion: "v1", Namespace: "default", Resource: "secrets", SelectorName: "s"}},
		{"a list excluding a name names none", "GET", "/api/v1/namespaces/default/secrets?fieldSelector=metadata.name%21%3Ds",
			Info{IsResourceRequest: true, Verb: "list", APIPrefix: "api", APIVersion: "v1", Namespace: "default", Resource: "secrets"}},
		{"the legacy /watch/ prefix is a watch", "GET", "/api/v1/watch/namespaces/default/pods",
			Info{IsResourceRequest: true, Verb: "watch", APIPrefix: "api", APIVersion: "v1", Namespace: "default", Resource: "pods"}},
		{"a subresource follows the name", "PATCH", "/apis/apps/v1/namespaces/demo/deployments/web/scale",
			Info{IsResourceRequest: true, Verb: "patch", APIPrefix: "apis", APIGroup: "apps", APIVersion: "v1", Namespace: "demo", Resource: "deployments", Name: "web", Subresource: "scale"}},
		{"a namespace object is cluster-scoped and named by its segment", "GET", "/api/v1/namespaces/demo",
			Info{IsResourceRequest: true, Verb: "get", APIPrefix: "api", APIVersion: "v1", Namespace: "demo", Resource: "namespaces", Name: "demo"}},
		{"the namespace finalize subresource stays on the namespace", "PUT", "/api/v1/namespaces/demo/finalize",
			Info{IsResourceRequest: true, Verb: "update", APIPrefix: "api", APIVersion: "v1", Namespace: "demo", Resource: "namespaces", Name: "demo", Subresource: "finalize"}},
		{"a namespace list has no namespace", "GET", "/api/v1/namespaces",
			Info{IsResourceRequest: true, Verb: "list", APIPrefix: "api", APIVersion: "v1", Resource: "namespaces"}},
		{"POST on a collection is a create", "POST", "/api/v1/namespaces/default/configmaps",
			Info{IsResourceRequest: true, Verb: "create", APIPrefix: "api", APIVersion: "v1", Namespace: "default", Resource: "configmaps"}},
		{"DELETE on a collection is a deletecollection", "DELETE", "/api/v1/namespaces/default/configmaps",
			Info{IsResourceRequest: true, Verb: "deletecollection", APIPrefix: "api", APIVersion: "v1", Namespace: "default", Resource: "configmaps"}},
		{"DELETE on an object is a delete", "DELETE", "/api/v1/nodes/n1",
			Info{IsResourceRequest: true, Verb: "delete", APIPrefix: "api", APIVersion: "v1", Resource: "nodes", Name: "n1"}},
		{"a pod binding POST is a create on the binding subresource", "POST", "/api/v1/namespaces/default/pods/p/binding",
			Info{IsResourceRequest: true, Verb: "create", APIPrefix: "api", APIVersion: "v1", Namespace: "default", Resource: "pods", Name: "p", Subresource: "binding"}},
		{"discovery of a group version is not a resource request", "GET", "/apis/apps/v1",
			Info{Verb: "get"}},
		{"/api is not a resource request", "GET", "/api", Info{Verb: "get"}},
		{"/healthz is not a resource request", "GET", "/healthz", Info{Verb: "get"}},
		{"node proxy keeps the rest of the path", "GET", "/api/v1/nodes/n1/proxy/stats/summary",
			Info{IsResourceRequest: true, Verb: "get", APIPrefix: "api", APIVersion: "v1", Resource: "nodes", Name: "n1", Subresource: "proxy"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(httptest.NewRequest(c.method, c.url, nil))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, *got, cmpopts.IgnoreFields(Info{}, "Path", "Parts")); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestParseRejectsMalformedPaths(t *testing.T) {
	for _, url := range []string{"/api/v1/watch", "/api/v1/namespaces/d/pods/p/status/extra"} {
		t.Run(url, func(t *testing.T) {
			if _, err := Parse(httptest.NewRequest("GET", url, nil)); err == nil {
				t.Fatalf("%s parsed without error", url)
			}
		})
	}
}

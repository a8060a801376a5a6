package rest

import (
	"net/http"
	"testing"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

func TestBootstrapObjectsExistAndSurviveARestart(t *testing.T) {
	// A loopback advertise address gets no endpoints; use a documentation one.
	advertise := func(c *app.Config) { c.AdvertiseAddress = "192.0.2.10" }
	s := framework.StartTestServer(t, advertise)
	securePort := float64(s.Port())
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		resp := s.Get(t, "/api/v1/namespaces/"+ns)
		framework.Expect(t, resp, http.StatusOK, "namespace "+ns)
		if framework.String(resp.Object(t), "status.phase") != "Active" {
			t.Errorf("namespace %s: %s", ns, resp.Body)
		}
	}
	svc := s.Get(t, "/api/v1/namespaces/default/services/kubernetes")
	framework.Expect(t, svc, http.StatusOK, "kubernetes service")
	so := svc.Object(t)
	ports := framework.Field(so, "spec.ports").([]any)
	p := ports[0].(map[string]any)
	if framework.String(so, "spec.clusterIP") != "10.96.0.1" || p["port"] != float64(443) || p["targetPort"] != securePort ||
		p["name"] != "https" || p["protocol"] != "TCP" {
		t.Errorf("kubernetes service = %s", svc.Body)
	}
	ep := s.Get(t, "/api/v1/namespaces/default/endpoints/kubernetes")
	framework.Expect(t, ep, http.StatusOK, "kubernetes endpoints")
	subsets := ep.Object(t)["subsets"].([]any)
	sub := subsets[0].(map[string]any)
	if sub["addresses"].([]any)[0].(map[string]any)["ip"] != "192.0.2.10" || sub["ports"].([]any)[0].(map[string]any)["port"] != securePort {
		t.Errorf("kubernetes endpoints = %s", ep.Body)
	}
	slice := s.Get(t, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes")
	framework.Expect(t, slice, http.StatusOK, "kubernetes endpointslice")
	labels := framework.Field(slice.Object(t), "metadata.labels").(map[string]any)
	if labels["kubernetes.io/service-name"] != "kubernetes" {
		t.Errorf("endpointslice labels = %v", labels)
	}

	// A second apiserver over the same data (on another port) keeps the
	// objects and repairs the target port.
	uid := framework.String(so, "metadata.uid")
	nsUID := framework.String(s.Get(t, "/api/v1/namespaces/kube-system").Object(t), "metadata.uid")
	again := framework.StartTestServer(t, advertise, func(c *app.Config) { c.EtcdPrefix = s.Config.EtcdPrefix })
	so2 := again.Get(t, "/api/v1/namespaces/default/services/kubernetes").Object(t)
	if framework.String(so2, "metadata.uid") != uid {
		t.Errorf("the restart recreated the kubernetes service:\nbefore %v\nafter  %v", so, so2)
	}
	p2 := framework.Field(so2, "spec.ports").([]any)[0].(map[string]any)
	if p2["targetPort"] != float64(again.Port()) {
		t.Errorf("target port after the restart %v, want %d", p2["targetPort"], again.Port())
	}
	if u := framework.String(again.Get(t, "/api/v1/namespaces/kube-system").Object(t), "metadata.uid"); u != nsUID {
		t.Errorf("kube-system recreated: uid %s, was %s", u, nsUID)
	}
}

package satoken

import (
	"net/http"
	"strings"
	"testing"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

// withServiceAccountAdmission turns the ServiceAccount admission plugin on.
func withServiceAccountAdmission(c *app.Config) {
	framework.EnableServiceAccountAdmission(c)
}

func podBody(name string, spec map[string]any) map[string]any {
	spec["containers"] = []any{map[string]any{"name": "app", "image": "busybox"}}
	spec["initContainers"] = []any{map[string]any{"name": "init", "image": "busybox"}}
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": name}, "spec": spec}
}

func TestServiceAccountAdmission(t *testing.T) {
	s := framework.StartTestServer(t, withServiceAccountAdmission)
	const ns = "/api/v1/namespaces/default"
	t.Run("a pod without an account is refused while default is missing", func(t *testing.T) {
		resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: ns + "/pods", Body: framework.JSON(t, podBody("early", map[string]any{}))})
		framework.Expect(t, resp, http.StatusForbidden, "create pod")
		want := `pods "early" is forbidden: error looking up service account default/default: serviceaccount "default" not found`
		if msg := framework.String(resp.Object(t), "message"); msg != want {
			t.Errorf("message = %q, want %q", msg, want)
		}
	})
	createServiceAccount(t, s, "default", "default")
	t.Run("a pod gets the default account and its token volume", func(t *testing.T) {
		pod := s.Create(t, ns+"/pods", podBody("web", map[string]any{}))
		if framework.String(pod, "spec.serviceAccountName") != "default" {
			t.Errorf("serviceAccountName = %q", framework.String(pod, "spec.serviceAccountName"))
		}
		vols, _ := framework.Field(pod, "spec.volumes").([]any)
		if len(vols) != 1 {
			t.Fatalf("volumes = %v, want the token volume", vols)
		}
		vol := vols[0].(map[string]any)
		name := framework.String(vol, "name")
		if !strings.HasPrefix(name, "kube-api-access-") || len(name) != len("kube-api-access-")+5 {
			t.Errorf("volume name %q", name)
		}
		if mode, _ := framework.Field(vol, "projected.defaultMode").(float64); mode != 420 {
			t.Errorf("defaultMode = %v, want 420", mode)
		}
		sources, _ := framework.Field(vol, "projected.sources").([]any)
		if len(sources) != 3 {
			t.Fatalf("sources = %v", sources)
		}
		tok := sources[0].(map[string]any)
		if secs, _ := framework.Field(tok, "serviceAccountToken.expirationSeconds").(float64); secs != 3607 ||
			framework.String(tok, "serviceAccountToken.path") != "token" {
			t.Errorf("token source = %v", tok)
		}
		if framework.String(sources[1].(map[string]any), "configMap.name") != "kube-root-ca.crt" {
			t.Errorf("configMap source = %v", sources[1])
		}
		for _, field := range []string{"spec.containers", "spec.initContainers"} {
			cs, _ := framework.Field(pod, field).([]any)
			mounts, _ := cs[0].(map[string]any)["volumeMounts"].([]any)
			if len(mounts) != 1 {
				t.Fatalf("%s mounts = %v", field, mounts)
			}
			m := mounts[0].(map[string]any)
			if m["name"] != name || m["mountPath"] != "/var/run/secrets/kubernetes.io/serviceaccount" || m["readOnly"] != true {
				t.Errorf("%s mount = %v", field, m)
			}
		}
	})
	t.Run("automountServiceAccountToken false leaves the pod alone", func(t *testing.T) {
		pod := s.Create(t, ns+"/pods", podBody("quiet", map[string]any{"automountServiceAccountToken": false}))
		if vols := framework.Field(pod, "spec.volumes"); vols != nil {
			t.Errorf("volumes = %v, want none", vols)
		}
	})
	t.Run("a pod naming a missing account is refused", func(t *testing.T) {
		resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: ns + "/pods",
			Body: framework.JSON(t, podBody("lost", map[string]any{"serviceAccountName": "ghost"}))})
		framework.Expect(t, resp, http.StatusForbidden, "create pod")
		if msg := framework.String(resp.Object(t), "message"); !strings.Contains(msg, `serviceaccount "ghost" not found`) {
			t.Errorf("message = %q", msg)
		}
	})
}

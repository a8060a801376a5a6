package rbac

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

// startNodeRestricted starts a server with --authorization-mode=Node,RBAC,
// the NodeRestriction admission plugin and the tokens of the nodes n1 and
// n2.
func startNodeRestricted(t *testing.T) *framework.TestServer {
	t.Helper()
	tokens := filepath.Join(t.TempDir(), "tokens.csv")
	csv := nodeToken + ",system:node:n1,1002,\"system:nodes\"\n" +
		"node2-token,system:node:n2,1004,\"system:nodes\"\n"
	if err := os.WriteFile(tokens, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	return framework.StartTestServer(t, func(c *app.Config) {
		c.AuthorizationModes = []string{"Node", "RBAC"}
		c.TokenAuthFile = tokens
		c.EnableAdmissionPlugins = append(c.EnableAdmissionPlugins, "NodeRestriction")
	})
}

// podUsing is a pod bound to node that mounts the secret s.
func podUsing(name, node, s string) map[string]any {
	return object("v1", "Pod", name, map[string]any{"spec": map[string]any{
		"nodeName":   node,
		"containers": []any{map[string]any{"name": "c", "image": "busybox"}},
		"volumes":    []any{map[string]any{"name": "s", "secret": map[string]any{"secretName": s}}},
	}})
}

func TestNodeAuthorizerGraph(t *testing.T) {
	s := startNodeRestricted(t)
	for _, name := range []string{"mine", "theirs"} {
		s.Create(t, "/api/v1/namespaces/default/secrets", object("v1", "Secret", name, nil))
	}
	s.Create(t, "/api/v1/namespaces/default/pods", podUsing("web", "n1", "mine"))
	s.Create(t, "/api/v1/namespaces/default/pods", podUsing("other", "n2", "theirs"))
	n1 := asUser(t, s, nodeToken)
	const secrets = "/api/v1/namespaces/default/secrets/"

	eventually(t, "n1 reads the secret its pod mounts", n1.codeIs("GET", secrets+"mine", http.StatusOK))
	code, obj := n1.do("GET", secrets+"theirs", nil)
	expectForbidden(t, "n1 reads n2's secret", code, obj,
		`secrets "theirs" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'n1' and this object`)
	// The kubelet watches each secret it needs by name.
	eventually(t, "n1 lists the secret by name", n1.codeIs("GET", "/api/v1/namespaces/default/secrets?fieldSelector=metadata.name%3Dmine", http.StatusOK))
	code, obj = n1.do("GET", "/api/v1/namespaces/default/secrets?watch=1&fieldSelector=metadata.name%3Dtheirs", nil)
	expectForbidden(t, "n1 watches n2's secret", code, obj,
		`secrets "theirs" is forbidden: User "system:node:n1" cannot watch resource "secrets" in API group "" in the namespace "default": no relationship found between node 'n1' and this object`)
	code, obj = n1.do("GET", "/api/v1/namespaces/default/secrets", nil)
	expectForbidden(t, "n1 lists secrets", code, obj,
		`secrets is forbidden: User "system:node:n1" cannot list resource "secrets" in API group "" in the namespace "default": No Object name found`)
	code, obj = n1.do("POST", "/api/v1/namespaces/default/serviceaccounts/default/token",
		object("authentication.k8s.io/v1", "TokenRequest", "default", map[string]any{"spec": map[string]any{}}))
	expectForbidden(t, "n1 asks a token for an account no pod of its uses", code, obj,
		`serviceaccounts "default" is forbidden: User "system:node:n1" cannot create resource "serviceaccounts/token" in API group "" in the namespace "default": no relationship found between node 'n1' and this object`)

	resp := s.Do(t, framework.Request{Method: http.MethodDelete, Path: "/api/v1/namespaces/default/pods/web?gracePeriodSeconds=0"})
	framework.Expect(t, resp, http.StatusOK, "delete the pod")
	eventually(t, "the secret is n1's no more once the pod is gone", n1.codeIs("GET", secrets+"mine", http.StatusForbidden))
}

func TestNodeRestriction(t *testing.T) {
	s := startNodeRestricted(t)
	n1 := asUser(t, s, nodeToken)
	code, self := n1.do("POST", "/api/v1/nodes", object("v1", "Node", "n1", map[string]any{
		"metadata": map[string]any{"name": "n1", "labels": map[string]any{"kubernetes.io/hostname": "n1"}}}))
	if code != http.StatusCreated {
		t.Fatalf("n1 registers itself: HTTP %d: %v", code, self)
	}
	uid := framework.String(self, "metadata.uid")
	s.Create(t, "/api/v1/nodes", object("v1", "Node", "n2", nil))

	t.Run("a node may not modify another node", func(t *testing.T) {
		code, n2 := n1.do("GET", "/api/v1/nodes/n2", nil)
		if code != http.StatusOK {
			t.Fatalf("n1 reads n2: HTTP %d: %v", code, n2)
		}
		n2["metadata"].(map[string]any)["labels"] = map[string]any{"stolen": "yes"}
		code, obj := n1.do("PUT", "/api/v1/nodes/n2", n2)
		expectForbidden(t, "n1 updates n2", code, obj, `nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"`)
	})
	t.Run("a node may not give itself a role", func(t *testing.T) {
		self["metadata"].(map[string]any)["labels"] = map[string]any{"kubernetes.io/hostname": "n1", "node-role.kubernetes.io/control-plane": ""}
		code, obj := n1.do("PUT", "/api/v1/nodes/n1", self)
		expectForbidden(t, "n1 labels itself", code, obj, `nodes "n1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/control-plane`)
	})

	pods := "/api/v1/namespaces/default/pods"
	mirror := func(name string, annotated bool) map[string]any {
		meta := map[string]any{"name": name, "ownerReferences": []any{map[string]any{
			"apiVersion": "v1", "kind": "Node", "name": "n1", "uid": uid, "controller": true}}}
		if annotated {
			meta["annotations"] = map[string]any{"kubernetes.io/config.mirror": "hash"}
		}
		return object("v1", "Pod", name, map[string]any{"metadata": meta, "spec": map[string]any{
			"nodeName": "n1", "containers": []any{map[string]any{"name": "c", "image": "busybox"}}}})
	}
	t.Run("a node creates its mirror pod", func(t *testing.T) {
		if code, obj := n1.do("POST", pods, mirror("static-n1", true)); code != http.StatusCreated {
			t.Fatalf("HTTP %d: %v", code, obj)
		}
	})
	t.Run("a node may not create a regular pod", func(t *testing.T) {
		code, obj := n1.do("POST", pods, mirror("regular", false))
		expectForbidden(t, "n1 creates a pod", code, obj,
			`pods "regular" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods`)
	})
	t.Run("a node may not delete another node's pod", func(t *testing.T) {
		s.Create(t, pods, podUsing("elsewhere", "n2", "x"))
		code, obj := n1.do("DELETE", pods+"/elsewhere", nil)
		expectForbidden(t, "n1 deletes n2's pod", code, obj,
			`pods "elsewhere" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself`)
	})

	leases := "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"
	if resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: "/api/v1/namespaces",
		Body: framework.JSON(t, object("v1", "Namespace", "kube-node-lease", nil))}); resp.Code != http.StatusCreated && resp.Code != http.StatusConflict {
		t.Fatalf("create kube-node-lease: HTTP %d", resp.Code)
	}
	lease := func(name string) map[string]any {
		return object("coordination.k8s.io/v1", "Lease", name, map[string]any{"spec": map[string]any{"holderIdentity": name}})
	}
	t.Run("a node creates its lease", func(t *testing.T) {
		if code, obj := n1.do("POST", leases, lease("n1")); code != http.StatusCreated {
			t.Fatalf("HTTP %d: %v", code, obj)
		}
	})
	t.Run("a node may not create another node's lease", func(t *testing.T) {
		code, obj := n1.do("POST", leases, lease("n2"))
		expectForbidden(t, "n1 creates n2's lease", code, obj,
			`leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node`)
	})
	t.Run("a node may not touch another node's lease", func(t *testing.T) {
		s.Create(t, leases, lease("n2"))
		for _, method := range []string{"GET", "PUT", "DELETE"} {
			verb := map[string]string{"GET": "get", "PUT": "update", "DELETE": "delete"}[method]
			var body any
			if method == "PUT" {
				body = lease("n2")
			}
			code, obj := n1.do(method, leases+"/n2", body)
			expectForbidden(t, "n1 "+verb+"s n2's lease", code, obj, fmt.Sprintf(
				`leases.coordination.k8s.io "n2" is forbidden: User "system:node:n1" cannot %s resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease": can only access node lease with the same name as the requesting node`, verb))
		}
	})
}

// tokenPod is a pod of the default service account bound to node, with
// the projected token volume the ServiceAccount plugin adds.
func tokenPod(name, node string) map[string]any {
	return object("v1", "Pod", name, map[string]any{"spec": map[string]any{
		"nodeName":           node,
		"serviceAccountName": "default",
		"containers":         []any{map[string]any{"name": "c", "image": "busybox"}},
		"volumes": []any{map[string]any{"name": "kube-api-access", "projected": map[string]any{
			"sources": []any{map[string]any{"serviceAccountToken": map[string]any{"path": "token"}}}}}},
	}})
}

// TestNodeRestrictionSubresources: a node writes the status of its own
// Node and pods, evicts its own pods and gets tokens bound to them, and
// nothing of the kind for another node's.
func TestNodeRestrictionSubresources(t *testing.T) {
	s := startNodeRestricted(t)
	n1 := asUser(t, s, nodeToken)
	if code, obj := n1.do("POST", "/api/v1/nodes", object("v1", "Node", "n1", nil)); code != http.StatusCreated {
		t.Fatalf("n1 registers itself: HTTP %d: %v", code, obj)
	}
	s.Create(t, "/api/v1/nodes", object("v1", "Node", "n2", nil))
	s.Create(t, "/api/v1/namespaces/default/serviceaccounts", object("v1", "ServiceAccount", "default", nil))
	pods := "/api/v1/namespaces/default/pods/"
	mine := s.Create(t, pods, tokenPod("mine", "n1"))
	theirs := s.Create(t, pods, tokenPod("theirs", "n2"))
	s.Create(t, pods, tokenPod("evictme", "n1"))
	s.Create(t, pods, tokenPod("keepme", "n2"))

	// putStatus reads path as n1 and writes it back through status with
	// change applied.
	putStatus := func(path string, change func(obj map[string]any)) (int, map[string]any) {
		t.Helper()
		code, obj := n1.do("GET", path, nil)
		if code != http.StatusOK {
			t.Fatalf("n1 reads %s: HTTP %d: %v", path, code, obj)
		}
		change(obj)
		return n1.do("PUT", path+"/status", obj)
	}
	running := func(obj map[string]any) { obj["status"].(map[string]any)["phase"] = "Running" }
	ready := func(obj map[string]any) {
		obj["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": "True"}}}
	}
	t.Run("a node updates its own node's status", func(t *testing.T) {
		if code, obj := putStatus("/api/v1/nodes/n1", ready); code != http.StatusOK {
			t.Fatalf("HTTP %d: %v", code, obj)
		}
	})
	t.Run("a node may not update another node's status", func(t *testing.T) {
		code, obj := putStatus("/api/v1/nodes/n2", ready)
		expectForbidden(t, "n1 updates n2's status", code, obj, `nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"`)
	})
	t.Run("a node updates the status of its pod", func(t *testing.T) {
		if code, obj := putStatus(pods+"mine", running); code != http.StatusOK {
			t.Fatalf("HTTP %d: %v", code, obj)
		}
	})
	t.Run("a node may not update the status of another node's pod", func(t *testing.T) {
		code, obj := putStatus(pods+"theirs", running)
		expectForbidden(t, "n1 updates the status of n2's pod", code, obj,
			`pods "theirs" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself`)
	})
	t.Run("a node may not relabel its pod through status", func(t *testing.T) {
		code, obj := putStatus(pods+"mine", func(obj map[string]any) {
			obj["metadata"].(map[string]any)["labels"] = map[string]any{"role": "admin"}
		})
		expectForbidden(t, "n1 relabels its pod", code, obj, `pods "mine" is forbidden: node "n1" cannot update labels through pod status`)
	})

	eviction := func(name string) map[string]any { return object("policy/v1", "Eviction", name, nil) }
	t.Run("a node evicts its pod", func(t *testing.T) {
		if code, obj := n1.do("POST", pods+"evictme/eviction", eviction("evictme")); code != http.StatusCreated {
			t.Fatalf("HTTP %d: %v", code, obj)
		}
	})
	t.Run("a node may not evict another node's pod", func(t *testing.T) {
		code, obj := n1.do("POST", pods+"keepme/eviction", eviction("keepme"))
		expectForbidden(t, "n1 evicts n2's pod", code, obj, `pods "keepme" is forbidden: node n1 can only evict pods with spec.nodeName set to itself`)
	})

	tokenPath := "/api/v1/namespaces/default/serviceaccounts/default/token"
	tokenFor := func(pod map[string]any, audiences ...string) map[string]any {
		spec := map[string]any{"boundObjectRef": map[string]any{"apiVersion": "v1", "kind": "Pod",
			"name": framework.String(pod, "metadata.name"), "uid": framework.String(pod, "metadata.uid")}}
		if len(audiences) > 0 {
			spec["audiences"] = audiences
		}
		return object("authentication.k8s.io/v1", "TokenRequest", "default", map[string]any{"spec": spec})
	}
	t.Run("a node gets a token bound to its pod", func(t *testing.T) {
		code, obj := n1.do("POST", tokenPath, tokenFor(mine))
		if code != http.StatusCreated || framework.String(obj, "status.token") == "" {
			t.Fatalf("HTTP %d: %v", code, obj)
		}
	})
	t.Run("a node may not get a token bound to another node's pod", func(t *testing.T) {
		code, obj := n1.do("POST", tokenPath, tokenFor(theirs))
		expectForbidden(t, "n1 asks a token for n2's pod", code, obj,
			`serviceaccounts "default" is forbidden: node requested token bound to a pod scheduled on a different node`)
	})
	t.Run("a node may not get an unbound token", func(t *testing.T) {
		code, obj := n1.do("POST", tokenPath, object("authentication.k8s.io/v1", "TokenRequest", "default", map[string]any{"spec": map[string]any{}}))
		expectForbidden(t, "n1 asks an unbound token", code, obj, `serviceaccounts "default" is forbidden: node requested token not bound to a pod`)
	})
	t.Run("a node may not get a token for an audience its pod does not use", func(t *testing.T) {
		code, obj := n1.do("POST", tokenPath, tokenFor(mine, "vault"))
		expectForbidden(t, "n1 asks a vault token", code, obj,
			`serviceaccounts "default" is forbidden: audience "vault" not found in pod spec volume, system:node:n1 is not authorized to request tokens for this audience`)
	})
}

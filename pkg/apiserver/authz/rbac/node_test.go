package rbac

import (
	"context"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
)

// syncedGraph returns a graph that has listed objs (pods and volumes).
func syncedGraph(t *testing.T, objs ...runtime.Object) *NodeGraph {
	t.Helper()
	g := NewNodeGraph(nil)
	g.mu.Lock()
	for _, o := range objs {
		var err error
		switch o.(type) {
		case *corev1.Pod:
			err = g.applyPod(false, o)
		default:
			err = g.applyPV(false, o)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	g.mu.Unlock()
	g.pending.Store(0)
	close(g.synced)
	return g
}

// boundPod is a pod in namespace ns bound to node using the secret s.
func boundPod(name, node, s string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Spec: corev1.PodSpec{
		NodeName:           node,
		ServiceAccountName: "sa",
		Volumes:            []corev1.Volume{{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: s}}}},
	}}
}

func TestNodeAuthorizer(t *testing.T) {
	node := &authn.UserInfo{Name: "system:node:n1", Groups: []string{"system:nodes", "system:authenticated"}}
	impostor := &authn.UserInfo{Name: "system:node:n1", Groups: []string{"system:authenticated"}}
	stray := &authn.UserInfo{Name: "kubelet", Groups: []string{"system:nodes"}}
	at := func(u *authn.UserInfo, a authz.Attributes) authz.Attributes { a.User = u; return a }
	inNS := func(a authz.Attributes, ns string) authz.Attributes { a.Namespace = ns; return a }
	pv := &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv1"}, Spec: corev1.PersistentVolumeSpec{
		ClaimRef:               &corev1.ObjectReference{Namespace: "ns", Name: "claim"},
		PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{Driver: "d", NodePublishSecretRef: &corev1.SecretReference{Name: "csi-secret"}}},
	}}
	withClaim := boundPod("db", "n1", "db-secret")
	withClaim.Spec.Volumes = append(withClaim.Spec.Volumes, corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "claim"}}})
	g := syncedGraph(t, boundPod("web", "n1", "mine"), boundPod("other", "n2", "theirs"), withClaim, pv,
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "pending", Namespace: "ns"}, Spec: corev1.PodSpec{
			Volumes: []corev1.Volume{{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "unbound"}}}}}})
	noRel := "no relationship found between node 'n1' and this object"
	cases := []struct {
		name   string
		a      authz.Attributes
		want   authz.Decision
		reason string
	}{
		{"a node reports its status", at(node, res("patch", "", "nodes", "status", "n1")), authz.DecisionAllow, ""},
		{"a node updates pod status", at(node, res("update", "", "pods", "status", "p")), authz.DecisionAllow, ""},
		{"a node renews its lease", at(node, inNS(res("update", "coordination.k8s.io", "leases", "", "n1"), "kube-node-lease")), authz.DecisionAllow, ""},
		{"a node creates a lease (the name is checked by admission)", at(node, inNS(res("create", "coordination.k8s.io", "leases", "", ""), "kube-node-lease")), authz.DecisionAllow, ""},
		{"a node may not touch another node's lease", at(node, inNS(res("update", "coordination.k8s.io", "leases", "", "n2"), "kube-node-lease")), authz.DecisionNoOpinion,
			"can only access node lease with the same name as the requesting node"},
		{"a node's leases live in kube-node-lease", at(node, res("get", "coordination.k8s.io", "leases", "", "n1")), authz.DecisionNoOpinion,
			`can only access leases in the "kube-node-lease" system namespace`},
		{"a node may not list leases", at(node, inNS(res("list", "coordination.k8s.io", "leases", "", ""), "kube-node-lease")), authz.DecisionNoOpinion,
			"can only get, create, update, patch, or delete a node lease"},
		{"a node reads a secret its pod mounts", at(node, res("get", "", "secrets", "", "mine")), authz.DecisionAllow, ""},
		{"a node watches that secret by name", at(node, res("watch", "", "secrets", "", "mine")), authz.DecisionAllow, ""},
		{"a node may not read another node's secret", at(node, res("get", "", "secrets", "", "theirs")), authz.DecisionNoOpinion, noRel},
		{"the secret of an unbound pod is nobody's", at(node, res("get", "", "secrets", "", "unbound")), authz.DecisionNoOpinion, noRel},
		{"the same name in another namespace is not related", at(node, inNS(res("get", "", "secrets", "", "mine"), "other")), authz.DecisionNoOpinion, noRel},
		{"a node may not list secrets", at(node, res("list", "", "secrets", "", "")), authz.DecisionNoOpinion, "No Object name found"},
		{"a node may not write secrets", at(node, res("create", "", "secrets", "", "")), authz.DecisionNoOpinion, "can only read resources of this type"},
		{"secrets are namespaced", at(node, inNS(res("get", "", "secrets", "", "mine"), "")), authz.DecisionNoOpinion, "can only read namespaced object of this type"},
		{"a node reads its pod's claim", at(node, res("get", "", "persistentvolumeclaims", "", "claim")), authz.DecisionAllow, ""},
		{"a node may not watch claims", at(node, res("watch", "", "persistentvolumeclaims", "", "claim")), authz.DecisionNoOpinion, "can only get individual resources of this type"},
		{"a node updates its claim's status", at(node, res("patch", "", "persistentvolumeclaims", "status", "claim")), authz.DecisionAllow, ""},
		{"a node reads the volume bound to its claim", at(node, inNS(res("get", "", "persistentvolumes", "", "pv1"), "")), authz.DecisionAllow, ""},
		{"a node reads that volume's secret", at(node, res("get", "", "secrets", "", "csi-secret")), authz.DecisionAllow, ""},
		{"a node may not read an unrelated volume", at(node, inNS(res("get", "", "persistentvolumes", "", "pv2"), "")), authz.DecisionNoOpinion, noRel},
		{"a node requests a token for its pods' service account", at(node, res("create", "", "serviceaccounts", "token", "sa")), authz.DecisionAllow, ""},
		{"not for another service account", at(node, res("create", "", "serviceaccounts", "token", "default")), authz.DecisionNoOpinion, noRel},
		{"a node may not read service accounts", at(node, res("get", "", "serviceaccounts", "", "sa")), authz.DecisionNoOpinion,
			"can only create tokens for individual service accounts"},
		{"a node may only create the token subresource", at(node, res("create", "", "serviceaccounts", "other", "sa")), authz.DecisionNoOpinion,
			"can only create token subresource of serviceaccount"},
		{"a node reads its pods' configmaps only", at(node, res("get", "", "configmaps", "", "kube-root-ca.crt")), authz.DecisionNoOpinion, noRel},
		{"a node may not delete nodes", at(node, res("delete", "", "nodes", "", "n2")), authz.DecisionNoOpinion, ""},
		{"a user named like a node outside system:nodes is not a node", at(impostor, res("get", "", "secrets", "", "mine")), authz.DecisionNoOpinion, ""},
		{"a member of system:nodes without a node name", at(stray, res("get", "", "nodes", "", "n1")), authz.DecisionNoOpinion, `unknown node for user "kubelet"`},
		{"no user", res("get", "", "nodes", "", "n1"), authz.DecisionNoOpinion, ""},
	}
	z := NewNodeAuthorizer(g)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, reason, err := z.Authorize(context.Background(), c.a)
			if err != nil || d != c.want || reason != c.reason {
				t.Errorf("got %v %q %v, want %v %q", d, reason, err, c.want, c.reason)
			}
		})
	}
	t.Run("a node lists the rules that do not depend on the object, others none", func(t *testing.T) {
		r, err := z.RulesFor(context.Background(), node, "default")
		if err != nil || !r.Incomplete || len(r.Resource) == 0 {
			t.Fatalf("node rules = %+v, %v", r, err)
		}
		for _, rr := range r.Resource {
			for _, x := range rr.Resources {
				if x == "secrets" || x == "configmaps" || x == "leases" {
					t.Errorf("node rules list %s: %+v", x, rr)
				}
			}
		}
		r, err = z.RulesFor(context.Background(), impostor, "default")
		if err != nil || len(r.Resource) != 0 {
			t.Errorf("non-node rules = %+v, %v", r, err)
		}
	})
	t.Run("an unsynced graph relates nothing once the request ends", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		d, reason, _ := NewNodeAuthorizer(NewNodeGraph(nil)).Authorize(ctx, at(node, res("get", "", "secrets", "", "mine")))
		if d != authz.DecisionNoOpinion || reason != noRel {
			t.Errorf("got %v %q", d, reason)
		}
	})
}

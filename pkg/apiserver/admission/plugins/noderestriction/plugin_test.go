package noderestriction

import (
	"context"
	"errors"
	"strings"
	"testing"

	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/storage"
)

// mapStorage serves Get from a map of keys; nothing else is used.
type mapStorage struct {
	storage.Interface
	objs map[string]runtime.Object
}

func (m mapStorage) Get(_ context.Context, key string, _ storage.GetOptions) (runtime.Object, error) {
	if o, ok := m.objs[key]; ok {
		return o.DeepCopyObject(), nil
	}
	return nil, storage.NewError(storage.ErrCodeKeyNotFound, key, 0, "")
}

// newPlugin returns the plugin over stores holding objs (nodes, pods,
// claims, volumes and CSI drivers).
func newPlugin(t *testing.T, objs ...runtime.Object) *Plugin {
	t.Helper()
	type res struct {
		gr         schema.GroupResource
		root       string
		namespaced bool
	}
	all := []res{{nodesGR, "/minions", false}, {podsGR, "/pods", true}, {pvcsGR, "/persistentvolumeclaims", true},
		{pvsGR, "/persistentvolumes", false}, {csiDriversGR, "/csidrivers", false}}
	stores := map[schema.GroupResource]*generic.Store{}
	for _, r := range all {
		m := map[string]runtime.Object{}
		for _, o := range objs {
			acc := o.(interface {
				GetName() string
				GetNamespace() string
			})
			key := r.root + "/" + acc.GetName()
			if r.namespaced {
				key = r.root + "/" + acc.GetNamespace() + "/" + acc.GetName()
			}
			if resourceOf(o) == r.gr {
				m[key] = o
			}
		}
		stores[r.gr] = &generic.Store{Resource: r.gr, KeyRoot: r.root, Storage: mapStorage{objs: m}, Strategy: &generic.BasicStrategy{Namespaced: r.namespaced}}
	}
	p, err := New(func(gr schema.GroupResource) (*generic.Store, bool) { st, ok := stores[gr]; return st, ok })
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func resourceOf(o runtime.Object) schema.GroupResource {
	switch o.(type) {
	case *corev1.Node:
		return nodesGR
	case *corev1.Pod:
		return podsGR
	case *corev1.PersistentVolumeClaim:
		return pvcsGR
	case *corev1.PersistentVolume:
		return pvsGR
	case *storagev1.CSIDriver:
		return csiDriversGR
	}
	return schema.GroupResource{}
}

func yes() *bool { t := true; return &t }

// mirror is a mirror pod of n1 owned by its Node (uid u1), changed by mut.
func mirror(mut func(p *corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "static-n1", Namespace: "ns",
		Annotations:     map[string]string{"kubernetes.io/config.mirror": "hash"},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "n1", UID: "u1", Controller: yes()}}},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "c"}}}}
	if mut != nil {
		mut(p)
	}
	return p
}

func node(name string, labels map[string]string, taints ...corev1.Taint) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, UID: "u1", Labels: labels}, Spec: corev1.NodeSpec{Taints: taints}}
}

func TestValidate(t *testing.T) {
	n1 := &authn.UserInfo{Name: "system:node:n1", Groups: []string{"system:nodes"}}
	stray := &authn.UserInfo{Name: "kubelet", Groups: []string{"system:nodes"}}
	bob := &authn.UserInfo{Name: "bob"}
	podAttrs := func(op admission.Operation, obj, old *corev1.Pod) *admission.Attributes {
		a := &admission.Attributes{Operation: op, Resource: podsGR, Namespace: "ns"}
		if obj != nil {
			a.Object, a.Name = obj, obj.Name
		}
		if old != nil {
			a.OldObject, a.Name = old, old.Name
		}
		return a
	}
	nodeAttrs := func(op admission.Operation, obj, old *corev1.Node) *admission.Attributes {
		a := &admission.Attributes{Operation: op, Resource: nodesGR, Object: obj, Name: obj.Name}
		if old != nil {
			a.OldObject = old
		}
		return a
	}
	leaseAttrs := func(op admission.Operation, ns, name string) *admission.Attributes {
		return &admission.Attributes{Operation: op, Resource: leasesGR, Namespace: ns, Name: name,
			Object: &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}}
	}
	other := mirror(nil)
	other.Spec.NodeName = "n2"
	base := map[string]string{"kubernetes.io/hostname": "n1"}
	cases := []testCase{
		{"a non-node user is not restricted", bob, podAttrs(admission.Create, mirror(func(p *corev1.Pod) { p.Annotations = nil }), nil), ""},
		{"a node creates its mirror pod", n1, podAttrs(admission.Create, mirror(nil), nil), ""},
		{"a node user without a node name is refused", stray, podAttrs(admission.Create, mirror(nil), nil),
			`pods "static-n1" is forbidden: could not determine node from user "kubelet"`},
		{"a node may not create a regular pod", n1, podAttrs(admission.Create, mirror(func(p *corev1.Pod) { p.Annotations = nil }), nil),
			`pods "static-n1" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods`},
		{"a mirror pod is bound to its node", n1, podAttrs(admission.Create, mirror(func(p *corev1.Pod) { p.Spec.NodeName = "n2" }), nil),
			`pods "static-n1" is forbidden: node "n1" can only create pods with spec.nodeName set to itself`},
		{"a mirror pod is owned by the node", n1, podAttrs(admission.Create, mirror(func(p *corev1.Pod) { p.OwnerReferences = nil }), nil),
			`pods "static-n1" is forbidden: node "n1" can only create pods with an owner reference set to itself`},
		{"its owner is the node as controller", n1, podAttrs(admission.Create, mirror(func(p *corev1.Pod) { p.OwnerReferences[0].Controller = nil }), nil),
			`pods "static-n1" is forbidden: node "n1" can only create pods with a controller owner reference set to itself`},
		{"the owner's uid is the node's", n1, podAttrs(admission.Create, mirror(func(p *corev1.Pod) { p.OwnerReferences[0].UID = "old" }), nil),
			`pods "static-n1" is forbidden: node n1 UID mismatch: expected old got u1`},
		{"a mirror pod may not use a service account", n1, podAttrs(admission.Create, mirror(func(p *corev1.Pod) { p.Spec.ServiceAccountName = "default" }), nil),
			`pods "static-n1" is forbidden: node "n1" can not create pods that reference a service account`},
		{"nor secrets", n1, podAttrs(admission.Create, mirror(func(p *corev1.Pod) {
			p.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "pull"}}
		}), nil), `pods "static-n1" is forbidden: node "n1" can not create pods that reference secrets`},
		{"nor configmaps", n1, podAttrs(admission.Create, mirror(func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "c", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}}}}}
		}), nil), `pods "static-n1" is forbidden: node "n1" can not create pods that reference configmaps`},
		{"nor claims", n1, podAttrs(admission.Create, mirror(func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "d", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "c"}}}}
		}), nil), `pods "static-n1" is forbidden: node "n1" can not create pods that reference persistentvolumeclaims`},
		{"a node deletes a pod bound to it", n1, podAttrs(admission.Delete, nil, mirror(nil)), ""},
		{"not another node's", n1, podAttrs(admission.Delete, nil, other),
			`pods "static-n1" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself`},
		{"a node may not update pods", n1, podAttrs(admission.Update, mirror(nil), mirror(nil)),
			`pods "static-n1" is forbidden: unexpected operation "UPDATE", node "n1" can only create and delete mirror pods`},
		{"a node registers itself", n1, nodeAttrs(admission.Create, node("n1", map[string]string{"kubernetes.io/hostname": "n1", "node.kubernetes.io/exclude-from-external-load-balancers": "", "example.com/x": "y"}), nil), ""},
		{"not another node", n1, nodeAttrs(admission.Create, node("n2", nil), nil), `nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"`},
		{"nor updates another node", n1, nodeAttrs(admission.Update, node("n2", nil), node("n2", nil)), `nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"`},
		{"a node may not register with reserved labels", n1, nodeAttrs(admission.Create, node("n1", map[string]string{
			"node-role.kubernetes.io/control-plane": "", "node-restriction.kubernetes.io/x": "y", "kubernetes.io/os": "linux"}), nil),
			`nodes "n1" is forbidden: node "n1" is not allowed to set the following labels: node-restriction.kubernetes.io/x, node-role.kubernetes.io/control-plane`},
		{"a node updates its allowed labels", n1, nodeAttrs(admission.Update, node("n1", map[string]string{"kubernetes.io/hostname": "n1", "topology.kubernetes.io/zone": "z"}), node("n1", base)), ""},
		{"an unchanged reserved label set by an admin is fine", n1, nodeAttrs(admission.Update,
			node("n1", map[string]string{"node-role.kubernetes.io/worker": "", "a": "b"}), node("n1", map[string]string{"node-role.kubernetes.io/worker": ""})), ""},
		{"a node may not remove a reserved label", n1, nodeAttrs(admission.Update, node("n1", nil), node("n1", map[string]string{"x.k8s.io/y": "z"})),
			`nodes "n1" is forbidden: is not allowed to modify labels: x.k8s.io/y`},
		{"a node may not change its taints", n1, nodeAttrs(admission.Update, node("n1", nil), node("n1", nil, corev1.Taint{Key: "k", Effect: corev1.TaintEffectNoSchedule})),
			`nodes "n1" is forbidden: node "n1" is not allowed to modify taints`},
		{"a node registers tainted", n1, nodeAttrs(admission.Create, node("n1", nil, corev1.Taint{Key: "k", Effect: corev1.TaintEffectNoSchedule}), nil), ""},
		{"a node creates its lease", n1, leaseAttrs(admission.Create, "kube-node-lease", "n1"), ""},
		{"a node renews its lease", n1, leaseAttrs(admission.Update, "kube-node-lease", "n1"), ""},
		{"not another node's lease", n1, leaseAttrs(admission.Create, "kube-node-lease", "n2"),
			`leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node`},
		{"leases only in kube-node-lease", n1, leaseAttrs(admission.Update, "default", "n1"),
			`leases.coordination.k8s.io "n1" is forbidden: can only access leases in the "kube-node-lease" system namespace`},
	}
	p := newPlugin(t, node("n1", base))
	run(t, p, cases)
	t.Run("handles pods, nodes, leases and service accounts, with their subresources", func(t *testing.T) {
		if !p.Handles(admission.Delete, podsGR) || !p.Handles(admission.Update, leasesGR) || !p.Handles(admission.Create, svcacctsGR) ||
			p.Handles(admission.Create, schema.GroupResource{Resource: "secrets"}) || !p.HandlesSubresource("status") {
			t.Error("Handles is wrong")
		}
	})
}

type testCase struct {
	name string
	user *authn.UserInfo
	a    *admission.Attributes
	want string // the 403 message, "" to admit
}

func run(t *testing.T, p *Plugin, cases []testCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := p.Admit(authn.WithUser(context.Background(), c.user), c.a)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			want, code := c.want, int32(403)
			if m, ok := strings.CutPrefix(want, "404: "); ok {
				want, code = m, 404
			}
			var se *apierrors.StatusError
			if !errors.As(err, &se) || se.ErrStatus.Code != code {
				t.Fatalf("got %v, want a %d", err, code)
			}
			if got := se.ErrStatus.Message; got != want {
				t.Errorf("message\n got  %s\n want %s", got, want)
			}
		})
	}
}

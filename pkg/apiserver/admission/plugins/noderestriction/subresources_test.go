package noderestriction

import (
	"testing"

	authenticationv1 "keel.dev/api/authentication/v1"
	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
	storagev1 "keel.dev/api/storage/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/authn"
)

// boundPod is pod name of ns bound to node, with uid "uid-<name>" and the
// default projected token volume (audience "").
func boundPod(name, node string, mut func(p *corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + name),
		Labels: map[string]string{"app": "a"}},
		Spec: corev1.PodSpec{NodeName: node, ServiceAccountName: "default", Containers: []corev1.Container{{Name: "c"}},
			Volumes: []corev1.Volume{{Name: "kube-api-access", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
				Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}}}}}}}
	if mut != nil {
		mut(p)
	}
	return p
}

func TestSubresources(t *testing.T) {
	n1 := &authn.UserInfo{Name: "system:node:n1", Groups: []string{"system:nodes"}}
	bob := &authn.UserInfo{Name: "bob"}
	mine := boundPod("mine", "n1", nil)
	theirs := boundPod("theirs", "n2", nil)
	withAud := boundPod("aud", "n1", func(p *corev1.Pod) {
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "vault", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Audience: "vault", Path: "t"}}}}}})
	})
	withCSI := boundPod("csi", "n1", func(p *corev1.Pod) {
		p.Spec.Volumes = []corev1.Volume{{Name: "secrets", VolumeSource: corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "secrets.example.com"}}}}
	})
	withClaim := boundPod("claim", "n1", func(p *corev1.Pod) {
		p.Spec.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}}
	})
	claim := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "data", Namespace: "ns"}, Spec: corev1.PersistentVolumeClaimSpec{VolumeName: "pv1"}}
	pv := &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv1"}, Spec: corev1.PersistentVolumeSpec{
		PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{Driver: "disk.example.com", VolumeHandle: "h"}}}}
	driver := func(name, aud string) *storagev1.CSIDriver {
		return &storagev1.CSIDriver{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: storagev1.CSIDriverSpec{TokenRequests: []storagev1.TokenRequest{{Audience: aud}}}}
	}
	p := newPlugin(t, node("n1", nil), mine, theirs, withAud, withCSI, withClaim, claim, pv,
		driver("secrets.example.com", "secrets"), driver("disk.example.com", "disk"))

	status := func(old *corev1.Pod, mut func(p *corev1.Pod)) *admission.Attributes {
		now := old.DeepCopy()
		now.Status.Phase = corev1.PodRunning
		if mut != nil {
			mut(now)
		}
		return &admission.Attributes{Operation: admission.Update, Resource: podsGR, Subresource: "status", Namespace: "ns", Name: old.Name, Object: now, OldObject: old}
	}
	evict := func(name string) *admission.Attributes {
		return &admission.Attributes{Operation: admission.Create, Resource: podsGR, Subresource: "eviction", Namespace: "ns", Name: name,
			Object: &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}}}
	}
	token := func(ref *authenticationv1.BoundObjectReference, auds ...string) *admission.Attributes {
		return &admission.Attributes{Operation: admission.Create, Resource: svcacctsGR, Subresource: "token", Namespace: "ns", Name: "default",
			Object: &authenticationv1.TokenRequest{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: "ns"},
				Spec: authenticationv1.TokenRequestSpec{Audiences: auds, BoundObjectRef: ref}}}
	}
	podRef := func(pod *corev1.Pod) *authenticationv1.BoundObjectReference {
		return &authenticationv1.BoundObjectReference{APIVersion: "v1", Kind: "Pod", Name: pod.Name, UID: pod.UID}
	}
	nodeStatus := func(name string, mut func(n *corev1.Node)) *admission.Attributes {
		old := node(name, map[string]string{"kubernetes.io/hostname": name})
		now := old.DeepCopy()
		now.Status.Phase = corev1.NodeRunning
		if mut != nil {
			mut(now)
		}
		return &admission.Attributes{Operation: admission.Update, Resource: nodesGR, Subresource: "status", Name: name, Object: now, OldObject: old}
	}
	run(t, p, []testCase{
		{"a node updates its node's status", n1, nodeStatus("n1", nil), ""},
		{"not another node's status", n1, nodeStatus("n2", nil), `nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"`},
		{"nor its taints through status", n1, nodeStatus("n1", func(n *corev1.Node) { n.Spec.Taints = []corev1.Taint{{Key: "k", Effect: corev1.TaintEffectNoSchedule}} }),
			`nodes "n1" is forbidden: node "n1" is not allowed to modify taints`},
		{"a node updates the status of its pod", n1, status(mine, nil), ""},
		{"not of another node's pod", n1, status(theirs, nil),
			`pods "theirs" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself`},
		{"nor relabels its pod through status", n1, status(mine, func(p *corev1.Pod) { p.Labels["app"] = "b" }),
			`pods "mine" is forbidden: node "n1" cannot update labels through pod status`},
		{"nor changes resource claim statuses", n1, status(mine, func(p *corev1.Pod) {
			p.Status.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{{Name: "gpu"}}
		}), `pods "mine" is forbidden: node "n1" cannot update resource claim statues`},
		{"a non-node user updates any pod's status", bob, status(theirs, func(p *corev1.Pod) { p.Labels = nil }), ""},
		{"a node may not write ephemeral containers", n1, &admission.Attributes{Operation: admission.Update, Resource: podsGR, Subresource: "ephemeralcontainers",
			Namespace: "ns", Name: "mine", Object: mine, OldObject: mine},
			`pods "mine" is forbidden: unexpected pod subresource "ephemeralcontainers", only 'status' and 'eviction' are allowed`},
		{"a node evicts its pod", n1, evict("mine"), ""},
		{"not another node's", n1, evict("theirs"), `pods "theirs" is forbidden: node n1 can only evict pods with spec.nodeName set to itself`},
		{"evicting a missing pod is a 404", n1, evict("gone"), `404: pods "gone" not found`},
		{"a non-node user evicts any pod", bob, evict("theirs"), ""},
		{"a node gets a token for its pod", n1, token(podRef(mine)), ""},
		{"with the apiserver's audience named", n1, token(podRef(mine), ""), ""},
		{"a token must be bound", n1, token(nil), `serviceaccounts "default" is forbidden: node requested token not bound to a pod`},
		{"to a pod", n1, token(&authenticationv1.BoundObjectReference{APIVersion: "v1", Kind: "Secret", Name: "s", UID: "u"}),
			`serviceaccounts "default" is forbidden: node requested token not bound to a pod`},
		{"with its uid", n1, token(&authenticationv1.BoundObjectReference{APIVersion: "v1", Kind: "Pod", Name: "mine"}),
			`serviceaccounts "default" is forbidden: node requested token with a pod binding without a uid`},
		{"the current pod's uid", n1, token(&authenticationv1.BoundObjectReference{APIVersion: "v1", Kind: "Pod", Name: "mine", UID: "old"}),
			`serviceaccounts "default" is forbidden: the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated`},
		{"of an existing pod", n1, token(&authenticationv1.BoundObjectReference{APIVersion: "v1", Kind: "Pod", Name: "gone", UID: "u"}),
			`404: pods "gone" not found`},
		{"not for another node's pod", n1, token(podRef(theirs)),
			`serviceaccounts "default" is forbidden: node requested token bound to a pod scheduled on a different node`},
		{"one audience at most", n1, token(podRef(withAud), "vault", ""),
			`serviceaccounts "default" is forbidden: node may only request 0 or 1 audiences`},
		{"an audience of a projected volume of the pod", n1, token(podRef(withAud), "vault"), ""},
		{"not one the pod does not use", n1, token(podRef(mine), "vault"),
			`serviceaccounts "default" is forbidden: audience "vault" not found in pod spec volume, system:node:n1 is not authorized to request tokens for this audience`},
		{"an audience a CSI driver of the pod requests", n1, token(podRef(withCSI), "secrets"), ""},
		{"the apiserver's audience only if the pod projects it", n1, token(podRef(withCSI)),
			`serviceaccounts "default" is forbidden: audience "" not found in pod spec volume, system:node:n1 is not authorized to request tokens for this audience`},
		{"an audience the CSI driver of the pod's claim requests", n1, token(podRef(withClaim), "disk"), ""},
		{"not another driver's", n1, token(podRef(withClaim), "secrets"),
			`serviceaccounts "default" is forbidden: audience "secrets" not found in pod spec volume, system:node:n1 is not authorized to request tokens for this audience`},
		{"a non-node user gets any token", bob, token(nil, "anything"), ""},
		{"a node's service account writes other than token requests pass", n1, &admission.Attributes{Operation: admission.Update, Resource: svcacctsGR,
			Namespace: "ns", Name: "default", Object: &corev1.ServiceAccount{}, OldObject: &corev1.ServiceAccount{}}, ""},
	})
}

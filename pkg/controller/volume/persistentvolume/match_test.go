package persistentvolume

import (
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestFindBestVolume(t *testing.T) {
	withClass := func(name string) func(*corev1.PersistentVolume) {
		return func(pv *corev1.PersistentVolume) { pv.Spec.StorageClassName = name }
	}
	labeled := func(pv *corev1.PersistentVolume) { pv.Labels = map[string]string{"tier": "fast"} }
	claimedBy := func(ns, name, uid string) func(*corev1.PersistentVolume) {
		return func(pv *corev1.PersistentVolume) {
			pv.Spec.ClaimRef = &corev1.ObjectReference{Namespace: ns, Name: name, UID: typesUID(uid)}
		}
	}
	tests := []struct {
		name    string
		claim   *corev1.PersistentVolumeClaim
		volumes []*corev1.PersistentVolume
		node    *corev1.Node
		want    string
	}{
		{
			name:    "the smallest volume that is large enough wins",
			claim:   claim("c", "2Gi"),
			volumes: []*corev1.PersistentVolume{volume("big", "10Gi"), volume("small", "1Gi"), volume("fit", "3Gi"), volume("exact", "2Gi")},
			want:    "exact",
		},
		{
			name:    "no volume is returned when all are too small",
			claim:   claim("c", "20Gi"),
			volumes: []*corev1.PersistentVolume{volume("a", "10Gi")},
		},
		{
			name:    "the storage class must be equal",
			claim:   claim("c", "1Gi", func(c *corev1.PersistentVolumeClaim) { c.Spec.StorageClassName = ptr("gold") }),
			volumes: []*corev1.PersistentVolume{volume("plain", "1Gi"), volume("gold", "5Gi", withClass("gold"))},
			want:    "gold",
		},
		{
			name:    "a claim asking for no class does not take a classed volume",
			claim:   claim("c", "1Gi"),
			volumes: []*corev1.PersistentVolume{volume("gold", "1Gi", withClass("gold"))},
		},
		{
			name: "every requested access mode must be offered",
			claim: claim("c", "1Gi", func(c *corev1.PersistentVolumeClaim) {
				c.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}
			}),
			volumes: []*corev1.PersistentVolume{volume("rwo", "1Gi"), volume("rwx", "8Gi", func(pv *corev1.PersistentVolume) {
				pv.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}
			})},
			want: "rwx",
		},
		{
			name:    "a block claim does not take a filesystem volume",
			claim:   claim("c", "1Gi", func(c *corev1.PersistentVolumeClaim) { c.Spec.VolumeMode = ptr(corev1.PersistentVolumeBlock) }),
			volumes: []*corev1.PersistentVolume{volume("fs", "1Gi")},
		},
		{
			name: "the claim's selector filters volumes by label",
			claim: claim("c", "1Gi", func(c *corev1.PersistentVolumeClaim) {
				c.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "fast"}}
			}),
			volumes: []*corev1.PersistentVolume{volume("slow", "1Gi"), volume("fast", "4Gi", labeled)},
			want:    "fast",
		},
		{
			name:    "volumes claimed by another claim are skipped",
			claim:   claim("c", "1Gi"),
			volumes: []*corev1.PersistentVolume{volume("taken", "1Gi", claimedBy("ns", "other", "other-uid")), volume("free", "2Gi")},
			want:    "free",
		},
		{
			name:    "a volume pre-bound to the claim by name wins over a smaller free one",
			claim:   claim("c", "1Gi"),
			volumes: []*corev1.PersistentVolume{volume("free", "1Gi"), volume("mine", "9Gi", claimedBy("ns", "c", ""))},
			want:    "mine",
		},
		{
			name:    "a volume pre-bound to an older claim of the same name is skipped",
			claim:   claim("c", "1Gi"),
			volumes: []*corev1.PersistentVolume{volume("old", "1Gi", claimedBy("ns", "c", "gone-uid"))},
		},
		{
			name:    "released volumes are not reused",
			claim:   claim("c", "1Gi"),
			volumes: []*corev1.PersistentVolume{volume("rel", "1Gi", func(pv *corev1.PersistentVolume) { pv.Status.Phase = corev1.VolumeReleased })},
		},
		{
			name:    "node affinity must match the selected node",
			claim:   claim("c", "1Gi"),
			volumes: []*corev1.PersistentVolume{volume("there", "1Gi", onNode("n2")), volume("here", "2Gi", onNode("n1"))},
			node:    node("n1", map[string]string{"kubernetes.io/hostname": "n1"}),
			want:    "here",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FindBestVolume(tc.claim, tc.volumes, tc.node)
			if err != nil {
				t.Fatal(err)
			}
			name := ""
			if got != nil {
				name = got.Name
			}
			if name != tc.want {
				t.Fatalf("FindBestVolume = %q, want %q", name, tc.want)
			}
		})
	}
}

func TestSatisfiesExplainsMismatch(t *testing.T) {
	tests := []struct {
		name string
		pv   *corev1.PersistentVolume
		want error
	}{
		{"a large enough volume satisfies the claim", volume("ok", "5Gi"), nil},
		{"a small volume is too small", volume("small", "1Gi"), errTooSmall},
		{"another class does not match", volume("gold", "5Gi", func(pv *corev1.PersistentVolume) { pv.Spec.StorageClassName = "gold" }), errClassMismatch},
		{"missing access modes are incompatible", volume("rox", "5Gi", func(pv *corev1.PersistentVolume) {
			pv.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadOnlyMany}
		}), errAccessMode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Satisfies(tc.pv, claim("c", "2Gi"), nil); got != tc.want {
				t.Fatalf("Satisfies = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMatchesNodeSelector(t *testing.T) {
	n := node("n1", map[string]string{"zone": "a", "cores": "8"})
	req := func(key string, op corev1.NodeSelectorOperator, vals ...string) corev1.NodeSelectorRequirement {
		return corev1.NodeSelectorRequirement{Key: key, Operator: op, Values: vals}
	}
	tests := []struct {
		name  string
		terms []corev1.NodeSelectorTerm
		want  bool
	}{
		{"no terms match nothing", nil, false},
		{"In matches a listed value", []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{req("zone", corev1.NodeSelectorOpIn, "a", "b")}}}, true},
		{"NotIn rejects a listed value", []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{req("zone", corev1.NodeSelectorOpNotIn, "a")}}}, false},
		{"DoesNotExist rejects a present label", []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{req("zone", corev1.NodeSelectorOpDoesNotExist)}}}, false},
		{"Gt compares integers", []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{req("cores", corev1.NodeSelectorOpGt, "4")}}}, true},
		{"all requirements of a term must hold", []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{
			req("zone", corev1.NodeSelectorOpIn, "a"), req("cores", corev1.NodeSelectorOpLt, "4")}}}, false},
		{"any term may match", []corev1.NodeSelectorTerm{
			{MatchExpressions: []corev1.NodeSelectorRequirement{req("zone", corev1.NodeSelectorOpIn, "b")}},
			{MatchFields: []corev1.NodeSelectorRequirement{req("metadata.name", corev1.NodeSelectorOpIn, "n1")}}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := MatchesNodeSelector(&corev1.NodeSelector{NodeSelectorTerms: tc.terms}, n); got != tc.want {
				t.Fatalf("MatchesNodeSelector = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDefaultClassPrefersTheNewestMarkedClass(t *testing.T) {
	at := func(sec int) func(*storagev1.StorageClass) {
		return func(sc *storagev1.StorageClass) {
			sc.CreationTimestamp = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, sec, 0, time.UTC))
		}
	}
	beta := func(sc *storagev1.StorageClass) {
		sc.Annotations = map[string]string{AnnBetaDefaultStorageClass: "true"}
	}
	tests := []struct {
		name    string
		classes []*storagev1.StorageClass
		want    string
	}{
		{"no marked class means no default", []*storagev1.StorageClass{class("a", "p")}, ""},
		{"the only marked class is the default", []*storagev1.StorageClass{class("a", "p"), class("b", "p", asDefault)}, "b"},
		{"the beta annotation counts", []*storagev1.StorageClass{class("b", "p", beta)}, "b"},
		{"the newest of several marked classes wins", []*storagev1.StorageClass{class("old", "p", asDefault, at(1)), class("new", "p", asDefault, at(2))}, "new"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if sc := DefaultClass(tc.classes); sc != nil {
				got = sc.Name
			}
			if got != tc.want {
				t.Fatalf("DefaultClass = %q, want %q", got, tc.want)
			}
		})
	}
}

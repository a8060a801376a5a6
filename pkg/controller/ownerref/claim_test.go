package ownerref

import (
	"context"
	"errors"
	"slices"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/fake"
)

func TestClaim(t *testing.T) {
	kind := schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}
	owner := &metav1.ObjectMeta{Name: "j", Namespace: "ns", UID: "owner"}
	mine := []metav1.OwnerReference{NewControllerRef(owner, kind)}
	pod := func(name string, lbl string, refs []metav1.OwnerReference, fin ...string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID(name + "-uid"),
			Labels: map[string]string{"app": lbl}, OwnerReferences: refs, Finalizers: fin}}
	}
	tests := []struct {
		name        string
		pods        []*corev1.Pod
		recheck     func(context.Context) (metav1.Object, error)
		wantOwned   []string
		wantOwnerOf map[string]types.UID // "" means no controller
		wantFinal   map[string][]string
	}{
		{
			name:        "an orphan matching the selector is adopted with the finalizers",
			pods:        []*corev1.Pod{pod("orphan", "web", nil)},
			wantOwned:   []string{"orphan"},
			wantOwnerOf: map[string]types.UID{"orphan": "owner"},
			wantFinal:   map[string][]string{"orphan": {"f/x"}},
		},
		{
			name:        "an owned pod that stopped matching is released and loses the finalizer",
			pods:        []*corev1.Pod{pod("gone", "other", mine, "f/x", "f/keep"), pod("kept", "web", mine, "f/x")},
			wantOwned:   []string{"kept"},
			wantOwnerOf: map[string]types.UID{"gone": "", "kept": "owner"},
			wantFinal:   map[string][]string{"gone": {"f/keep"}, "kept": {"f/x"}},
		},
		{
			name: "nothing is adopted when the fresh owner has another UID",
			pods: []*corev1.Pod{pod("orphan", "web", nil)},
			recheck: func(context.Context) (metav1.Object, error) {
				return &metav1.ObjectMeta{Name: "j", UID: "recreated"}, nil
			},
			wantOwnerOf: map[string]types.UID{"orphan": ""},
		},
		{
			name: "nothing is adopted when the owner cannot be read",
			pods: []*corev1.Pod{pod("orphan", "web", nil)},
			recheck: func(context.Context) (metav1.Object, error) {
				return nil, errors.New("boom")
			},
			wantOwnerOf: map[string]types.UID{"orphan": ""},
		},
		{
			name:        "a pod controlled by someone else is left alone",
			pods:        []*corev1.Pod{pod("theirs", "web", []metav1.OwnerReference{{Name: "o", UID: "other", Controller: new(true)}})},
			wantOwnerOf: map[string]types.UID{"theirs": "other"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := make([]runtime.Object, len(tt.pods))
			for i, p := range tt.pods {
				objs[i] = p
			}
			cs := fake.NewClientset(objs...)
			ctx := context.Background()
			c := Claimer[*corev1.Pod]{
				Owner: owner, Kind: kind, Selector: labels.SelectorFromSet(labels.Set{"app": "web"}),
				Recheck: tt.recheck, Finalizers: []string{"f/x"},
				Patch: func(ctx context.Context, p *corev1.Pod, patch []byte) (*corev1.Pod, error) {
					return cs.CoreV1().Pods(p.Namespace).Patch(ctx, p.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
				},
			}
			owned, err := c.Claim(ctx, tt.pods)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range owned {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, tt.wantOwned) {
				t.Errorf("owned = %v, want %v", names, tt.wantOwned)
			}
			for name, want := range tt.wantOwnerOf {
				p, err := cs.CoreV1().Pods("ns").Get(ctx, name, metav1.GetOptions{})
				if err != nil {
					t.Fatal(err)
				}
				var got types.UID
				if ref := metav1.GetControllerOf(p); ref != nil {
					got = ref.UID
				}
				if got != want {
					t.Errorf("pod %s controller = %q, want %q", name, got, want)
				}
				if fin, ok := tt.wantFinal[name]; ok && !slices.Equal(p.Finalizers, fin) {
					t.Errorf("pod %s finalizers = %v, want %v", name, p.Finalizers, fin)
				}
			}
		})
	}
}

func TestOrphanMatches(t *testing.T) {
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	tests := []struct {
		name string
		sel  *metav1.LabelSelector
		obj  *metav1.ObjectMeta
		want bool
	}{
		{"a matching orphan matches", sel, &metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, true},
		{"a controlled object never matches", sel, &metav1.ObjectMeta{Labels: map[string]string{"app": "web"},
			OwnerReferences: []metav1.OwnerReference{{UID: "x", Controller: new(true)}}}, false},
		{"an empty selector matches nothing", &metav1.LabelSelector{}, &metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, false},
		{"a nil selector matches nothing", nil, &metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OrphanMatches(tt.sel, tt.obj); got != tt.want {
				t.Errorf("OrphanMatches = %v, want %v", got, tt.want)
			}
		})
	}
}

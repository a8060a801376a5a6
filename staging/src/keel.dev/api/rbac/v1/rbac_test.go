package v1

import (
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/api/internal/testutil"
)

func TestBindingDefaults(t *testing.T) {
	b := &RoleBinding{
		RoleRef:  RoleRef{Kind: "Role", Name: "reader"},
		Subjects: []Subject{{Kind: UserKind, Name: "jane"}, {Kind: ServiceAccountKind, Name: "default", Namespace: "ns"}, {Kind: GroupKind, Name: "devs"}},
	}
	SetObjectDefaults_RoleBinding(b)
	if b.RoleRef.APIGroup != GroupName {
		t.Errorf("roleRef.apiGroup = %q", b.RoleRef.APIGroup)
	}
	for i, want := range []string{GroupName, "", GroupName} {
		if got := b.Subjects[i].APIGroup; got != want {
			t.Errorf("subject %d apiGroup = %q, want %q", i, got, want)
		}
	}
}

func TestValidation(t *testing.T) {
	meta := metav1.ObjectMeta{Name: "reader", Namespace: "default"}
	binding := func(ref RoleRef, subjects ...Subject) *RoleBinding {
		b := &RoleBinding{ObjectMeta: meta, RoleRef: ref, Subjects: subjects}
		SetObjectDefaults_RoleBinding(b)
		return b
	}
	cases := []struct {
		name   string
		got    func() (errs []string, text string)
		want   []string
		detail string
	}{
		{"a rule without verbs is refused", func() ([]string, string) {
			e := ValidateRole(&Role{ObjectMeta: meta, Rules: []PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}}}})
			return testutil.Summary(e), e.ToAggregate().Error()
		}, []string{"rules[0].verbs: FieldValueRequired"}, "verbs must contain at least one value"},
		{"a namespaced rule may not name URLs", func() ([]string, string) {
			e := ValidateRole(&Role{ObjectMeta: meta, Rules: []PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}}})
			return testutil.Summary(e), e.ToAggregate().Error()
		}, []string{"rules[0].nonResourceURLs: FieldValueInvalid"}, "namespaced rules cannot apply to non-resource URLs"},
		{"a cluster role may name URLs", func() ([]string, string) {
			e := ValidateClusterRole(&ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "health"}, Rules: []PolicyRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}}}})
			return testutil.Summary(e), ""
		}, []string{}, ""},
		{"a role name with a slash is refused", func() ([]string, string) {
			e := ValidateRole(&Role{ObjectMeta: metav1.ObjectMeta{Name: "a/b", Namespace: "default"}})
			return testutil.Summary(e), e.ToAggregate().Error()
		}, []string{"metadata.name: FieldValueInvalid"}, "may not contain '/'"},
		{"a binding to an unknown kind is refused", func() ([]string, string) {
			e := ValidateRoleBinding(binding(RoleRef{Kind: "Policy", Name: "x"}, Subject{Kind: UserKind, Name: "jane"}))
			return testutil.Summary(e), e.ToAggregate().Error()
		}, []string{"roleRef.kind: FieldValueNotSupported"}, `"Role", "ClusterRole"`},
		{"a cluster binding's service account needs a namespace", func() ([]string, string) {
			b := &ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "b"}, RoleRef: RoleRef{Kind: "ClusterRole", Name: "view"}, Subjects: []Subject{{Kind: ServiceAccountKind, Name: "sa"}}}
			SetObjectDefaults_ClusterRoleBinding(b)
			e := ValidateClusterRoleBinding(b)
			return testutil.Summary(e), ""
		}, []string{"subjects[0].namespace: FieldValueRequired"}, ""},
		{"the role reference cannot change", func() ([]string, string) {
			old := binding(RoleRef{Kind: "Role", Name: "reader"})
			old.ResourceVersion = "1"
			upd := binding(RoleRef{Kind: "Role", Name: "writer"})
			upd.ResourceVersion = "1"
			e := ValidateRoleBindingUpdate(upd, old)
			return testutil.Summary(e), e.ToAggregate().Error()
		}, []string{"roleRef: FieldValueInvalid"}, "cannot change roleRef"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got, text := tt.got()
			if len(got) != len(tt.want) {
				t.Fatalf("errors = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("errors = %v, want %v", got, tt.want)
				}
			}
			if tt.detail != "" && !strings.Contains(text, tt.detail) {
				t.Errorf("%q does not mention %q", text, tt.detail)
			}
		})
	}
}

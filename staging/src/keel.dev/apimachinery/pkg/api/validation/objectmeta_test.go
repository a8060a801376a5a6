package validation

import (
	"strings"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

func ptr[T any](v T) *T { return &v }

func validMeta() metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: "web", Namespace: "default"}
}

// wantErrors checks the rendered errors: each want must appear in some error.
func wantErrors(t *testing.T, errs field.ErrorList, want []string) {
	t.Helper()
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if len(want) == 0 {
		if len(errs) != 0 {
			t.Fatalf("want no errors, got %q", got)
		}
		return
	}
	if len(errs) != len(want) {
		t.Fatalf("want %d errors %q, got %d: %q", len(want), want, len(errs), got)
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Fatalf("error %d: want %q in %q", i, w, got[i])
		}
	}
}

func TestValidateObjectMeta(t *testing.T) {
	root := field.NewPath("metadata")
	bigAnnotation := strings.Repeat("x", TotalAnnotationSizeLimitB)
	cases := []struct {
		name       string
		mutate     func(*metav1.ObjectMeta)
		namespaced bool
		nameFn     ValidateNameFunc
		want       []string
	}{
		{"a plain namespaced object is valid", func(*metav1.ObjectMeta) {}, true, NameIsDNSSubdomain, nil},
		{"a missing name is required", func(m *metav1.ObjectMeta) { m.Name = "" }, true, NameIsDNSSubdomain,
			[]string{"metadata.name: Required value: name or generateName is required"}},
		{"generateName alone still requires a name", func(m *metav1.ObjectMeta) { m.Name, m.GenerateName = "", "web-" }, true, NameIsDNSSubdomain,
			[]string{"metadata.name: Required value"}},
		{"a generateName with a trailing dash is a valid prefix", func(m *metav1.ObjectMeta) { m.GenerateName = "web-" }, true, NameIsDNSLabel, nil},
		{"an uppercase generateName is invalid", func(m *metav1.ObjectMeta) { m.GenerateName = "Web-" }, true, NameIsDNSLabel,
			[]string{`metadata.generateName: Invalid value: "Web-"`}},
		{"an uppercase name is invalid", func(m *metav1.ObjectMeta) { m.Name = "Web" }, true, NameIsDNSSubdomain,
			[]string{`metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain`}},
		{"a dotted name is fine for subdomain kinds", func(m *metav1.ObjectMeta) { m.Name = "a.b" }, true, NameIsDNSSubdomain, nil},
		{"a dotted name is rejected for label kinds", func(m *metav1.ObjectMeta) { m.Name = "a.b" }, true, NameIsDNSLabel,
			[]string{"must not contain dots"}},
		{"a 1035 name must start with a letter", func(m *metav1.ObjectMeta) { m.Name = "1abc" }, true, NameIsDNS1035Label,
			[]string{"DNS-1035 label"}},
		{"a missing namespace is required", func(m *metav1.ObjectMeta) { m.Namespace = "" }, true, NameIsDNSSubdomain,
			[]string{"metadata.namespace: Required value"}},
		{"a namespace on a cluster-scoped kind is forbidden", func(*metav1.ObjectMeta) {}, false, NameIsDNSSubdomain,
			[]string{"metadata.namespace: Forbidden: not allowed on this type"}},
		{"a dotted namespace is invalid", func(m *metav1.ObjectMeta) { m.Namespace = "a.b" }, true, NameIsDNSSubdomain,
			[]string{`metadata.namespace: Invalid value: "a.b": must not contain dots`}},
		{"a negative generation is invalid", func(m *metav1.ObjectMeta) { m.Generation = -1 }, true, NameIsDNSSubdomain,
			[]string{"metadata.generation: Invalid value: -1: must be greater than or equal to 0"}},
		{"a bad label key is invalid", func(m *metav1.ObjectMeta) { m.Labels = map[string]string{"-bad": "x"} }, true, NameIsDNSSubdomain,
			[]string{`metadata.labels: Invalid value: "-bad"`}},
		{"a bad label value is invalid", func(m *metav1.ObjectMeta) { m.Labels = map[string]string{"ok": "a b"} }, true, NameIsDNSSubdomain,
			[]string{`metadata.labels: Invalid value: "a b"`}},
		{"an uppercase annotation key is accepted", func(m *metav1.ObjectMeta) { m.Annotations = map[string]string{"Example.COM/Note": "x"} }, true, NameIsDNSSubdomain, nil},
		{"an annotation key with two slashes is invalid", func(m *metav1.ObjectMeta) { m.Annotations = map[string]string{"a/b/c": "x"} }, true, NameIsDNSSubdomain,
			[]string{`metadata.annotations: Invalid value: "a/b/c"`}},
		{"annotations at exactly the size limit are valid", func(m *metav1.ObjectMeta) {
			m.Annotations = map[string]string{"k": bigAnnotation[1:]}
		}, true, NameIsDNSSubdomain, nil},
		{"annotations over the size limit are too long", func(m *metav1.ObjectMeta) {
			m.Annotations = map[string]string{"k": bigAnnotation}
		}, true, NameIsDNSSubdomain, []string{"metadata.annotations: Too long: may not be more than 262144 bytes"}},
		{"an owner reference needs all identity fields", func(m *metav1.ObjectMeta) {
			m.OwnerReferences = []metav1.OwnerReference{{}}
		}, true, NameIsDNSSubdomain, []string{
			"metadata.ownerReferences[0].apiVersion: Required value: must not be empty",
			"metadata.ownerReferences[0].kind: Required value: must not be empty",
			"metadata.ownerReferences[0].name: Required value: must not be empty",
			"metadata.ownerReferences[0].uid: Required value: must not be empty",
		}},
		{"an owner apiVersion with three parts is invalid", func(m *metav1.ObjectMeta) {
			m.OwnerReferences = []metav1.OwnerReference{{APIVersion: "a/b/c", Kind: "K", Name: "n", UID: "u"}}
		}, true, NameIsDNSSubdomain, []string{"must be <group>/<version> or <version>"}},
		{"an Event may not be an owner", func(m *metav1.ObjectMeta) {
			m.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Event", Name: "n", UID: "u"}}
		}, true, NameIsDNSSubdomain, []string{"/v1, Kind=Event is disallowed from being an owner"}},
		{"two controller owners are invalid", func(m *metav1.ObjectMeta) {
			m.OwnerReferences = []metav1.OwnerReference{
				{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "a", UID: "1", Controller: ptr(true)},
				{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "b", UID: "2", Controller: ptr(true)},
			}
		}, true, NameIsDNSSubdomain, []string{`Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b`}},
		{"one controller and one plain owner is valid", func(m *metav1.ObjectMeta) {
			m.OwnerReferences = []metav1.OwnerReference{
				{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "a", UID: "1", Controller: ptr(true)},
				{APIVersion: "v1", Kind: "ConfigMap", Name: "b", UID: "2", Controller: ptr(false)},
			}
		}, true, NameIsDNSSubdomain, nil},
		{"qualified finalizers are valid", func(m *metav1.ObjectMeta) {
			m.Finalizers = []string{"kubernetes.io/pvc-protection", "orphan"}
		}, true, NameIsDNSSubdomain, nil},
		{"a finalizer with a space is invalid", func(m *metav1.ObjectMeta) { m.Finalizers = []string{"bad one"} }, true, NameIsDNSSubdomain,
			[]string{`metadata.finalizers: Invalid value: "bad one"`}},
		{"orphan and foreground together are invalid", func(m *metav1.ObjectMeta) {
			m.Finalizers = []string{"orphan", "foregroundDeletion"}
		}, true, NameIsDNSSubdomain, []string{"finalizer orphan and foregroundDeletion cannot be both set"}},
		{"a managed fields entry needs an operation", func(m *metav1.ObjectMeta) {
			m.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}
		}, true, NameIsDNSSubdomain, []string{"metadata.managedFields[0].operation: Required value"}},
		{"a managed fields entry with an unknown type is invalid", func(m *metav1.ObjectMeta) {
			m.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: "Apply", FieldsType: "FieldsV2"}}
		}, true, NameIsDNSSubdomain, []string{"must be `FieldsV1`"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := validMeta()
			if !tc.namespaced {
				m.Namespace = "default"
			}
			tc.mutate(&m)
			wantErrors(t, ValidateObjectMeta(&m, tc.namespaced, tc.nameFn, root), tc.want)
		})
	}
}

func TestValidateObjectMetaUpdate(t *testing.T) {
	created := metav1.NewTime(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	old := metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "u1", ResourceVersion: "5", Generation: 2, CreationTimestamp: created}
	cases := []struct {
		name   string
		mutate func(newM, oldM *metav1.ObjectMeta)
		want   []string
	}{
		{"an unchanged object is valid", func(_, _ *metav1.ObjectMeta) {}, nil},
		{"changing labels is allowed", func(n, _ *metav1.ObjectMeta) { n.Labels = map[string]string{"a": "b"} }, nil},
		{"the same creation time in another zone is unchanged", func(n, _ *metav1.ObjectMeta) {
			n.CreationTimestamp = metav1.NewTime(created.In(time.FixedZone("x", 3600)))
		}, nil},
		{"renaming is immutable", func(n, _ *metav1.ObjectMeta) { n.Name = "other" },
			[]string{`metadata.name: Invalid value: "other": field is immutable`}},
		{"moving namespace is immutable", func(n, _ *metav1.ObjectMeta) { n.Namespace = "kube-system" },
			[]string{"metadata.namespace: Invalid value"}},
		{"changing the uid is immutable", func(n, _ *metav1.ObjectMeta) { n.UID = "u2" },
			[]string{"metadata.uid: Invalid value: \"u2\": field is immutable"}},
		{"changing the creation time is immutable", func(n, _ *metav1.ObjectMeta) {
			n.CreationTimestamp = metav1.NewTime(created.Add(time.Second))
		}, []string{"metadata.creationTimestamp"}},
		{"setting a deletion timestamp is immutable", func(n, _ *metav1.ObjectMeta) {
			n.DeletionTimestamp = &created
		}, []string{"metadata.deletionTimestamp"}},
		{"a missing resourceVersion is invalid", func(n, _ *metav1.ObjectMeta) { n.ResourceVersion = "" },
			[]string{`metadata.resourceVersion: Invalid value: "": must be specified for an update`}},
		{"a decremented generation is invalid", func(n, _ *metav1.ObjectMeta) { n.Generation = 1 },
			[]string{"metadata.generation: Invalid value: 1: must not be decremented"}},
		{"adding a finalizer during deletion is forbidden", func(n, o *metav1.ObjectMeta) {
			o.DeletionTimestamp = &created
			n.DeletionTimestamp = &created
			n.Finalizers = []string{"example.com/x"}
		}, []string{`metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/x"}`}},
		{"removing a finalizer during deletion is allowed", func(n, o *metav1.ObjectMeta) {
			o.DeletionTimestamp = &created
			o.Finalizers = []string{"example.com/x"}
			n.DeletionTimestamp = &created
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := old
			n := old
			tc.mutate(&n, &o)
			wantErrors(t, ValidateObjectMetaUpdate(&n, &o, field.NewPath("metadata")), tc.want)
		})
	}
}

package generic_test

import (
	"context"
	"os"
	"regexp"
	"testing"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"

	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storagetest.Shutdown()
	os.Exit(code)
}

type widget = storagetest.Widget

// widgetStrategy is a minimal Strategy: colors must not be "bad"; deletion
// is graceful when spec.node is set.
type widgetStrategy struct{}

func (widgetStrategy) NamespaceScoped() bool                                    { return true }
func (widgetStrategy) PrepareForCreate(ctx context.Context, obj runtime.Object) {}
func (widgetStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
}
func (widgetStrategy) Validate(ctx context.Context, obj runtime.Object) field.ErrorList {
	if obj.(*widget).Spec.Color == "bad" {
		return field.ErrorList{field.Invalid(field.NewPath("spec", "color"), "bad", "is bad")}
	}
	return nil
}
func (s widgetStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	return s.Validate(ctx, obj)
}
func (widgetStrategy) Canonicalize(obj runtime.Object) {}
func (widgetStrategy) AllowCreateOnUpdate() bool       { return false }
func (widgetStrategy) AllowUnconditionalUpdate() bool  { return true }
func (widgetStrategy) GetAttrs(obj runtime.Object) (labels.Set, fields.Set, error) {
	w := obj.(*widget)
	return labels.Set(w.Labels), fields.Set{"metadata.name": w.Name, "spec.node": w.Spec.Node}, nil
}
func (widgetStrategy) CheckGracefulDelete(ctx context.Context, obj runtime.Object, opts *metav1.DeleteOptions) bool {
	g := int64(0)
	if obj.(*widget).Spec.Node != "" {
		g = 10
	}
	if opts.GracePeriodSeconds == nil {
		opts.GracePeriodSeconds = &g
	}
	return true
}

func newStore(t *testing.T) *generic.Store {
	return &generic.Store{
		Resource:        schema.GroupResource{Group: "test.keel.dev", Resource: "widgets"},
		Kind:            schema.GroupVersionKind{Group: "test.keel.dev", Version: "v1", Kind: "Widget"},
		NewFunc:         storagetest.NewWidget,
		NewListFunc:     func() runtime.Object { return &storagetest.WidgetList{} },
		KeyRoot:         "/widgets",
		Storage:         storagetest.Store(t),
		Strategy:        widgetStrategy{},
		SupportedFields: []string{"spec.node"},
	}
}

var ctx = rest.WithNamespace(context.Background(), "ns")

func TestStore(t *testing.T) {
	s := newStore(t)
	w, err := s.Create(ctx, storagetest.MakeWidget("", "a", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("create fills namespace, uid and resourceVersion", func(t *testing.T) {
		got := w.(*widget)
		if got.Namespace != "ns" || got.UID == "" || got.ResourceVersion == "" {
			t.Fatalf("got %+v", got.ObjectMeta)
		}
	})
	t.Run("an invalid object is 422 with the kind's GroupKind", func(t *testing.T) {
		bad := storagetest.MakeWidget("ns", "b", nil)
		bad.Spec.Color = "bad"
		_, err := s.Create(ctx, bad, nil)
		if !apierrors.IsInvalid(err) || err.Error() != `Widget.test.keel.dev "b" is invalid: spec.color: Invalid value: "bad": is bad` {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("generateName retries past a taken name", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			g := storagetest.MakeWidget("ns", "", nil)
			g.GenerateName = "g-"
			if _, err := s.Create(ctx, g, nil); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("an update with an old resourceVersion conflicts", func(t *testing.T) {
		_, _, err := s.Update(ctx, "a", rest.UpdateFunc(func(ctx context.Context, old runtime.Object) (runtime.Object, error) {
			o := old.(*widget)
			o.ResourceVersion = "1"
			o.Spec.Color = "x"
			return o, nil
		}), nil)
		if !apierrors.IsConflict(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a graceful deletion marks with the strategy's period", func(t *testing.T) {
		n := storagetest.MakeWidget("ns", "noded", nil)
		n.Spec.Node = "n1"
		if _, err := s.Create(ctx, n, nil); err != nil {
			t.Fatal(err)
		}
		out, immediate, err := s.Delete(ctx, "noded", nil)
		if err != nil || immediate || *out.(*widget).DeletionGracePeriodSeconds != 10 {
			t.Fatalf("got %v %v", immediate, err)
		}
		_, immediate, err = s.Delete(ctx, "noded", metav1.NewDeleteOptions(0))
		if err != nil || !immediate {
			t.Fatalf("got %v %v", immediate, err)
		}
	})
	t.Run("a field selector on a supported field filters; others are 400", func(t *testing.T) {
		l, err := s.List(ctx, &rest.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", "a")})
		if err != nil || len(l.(*storagetest.WidgetList).Items) != 1 {
			t.Fatalf("got %v", err)
		}
		if _, err := s.List(ctx, &rest.ListOptions{FieldSelector: fields.OneTermEqualSelector("spec.color", "a")}); !apierrors.IsBadRequest(err) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestHelpers(t *testing.T) {
	t.Run("generated names keep a 58-character base and add 5 characters", func(t *testing.T) {
		long := ""
		for len(long) < 70 {
			long += "abcdefghij"
		}
		n := generic.GenerateName(long)
		if len(n) != 63 || !regexp.MustCompile(`[bcdfghjklmnpqrstvwxz2456789]{5}$`).MatchString(n) {
			t.Fatalf("got %q", n)
		}
	})
	t.Run("uids are version 4 UUIDs", func(t *testing.T) {
		if u := string(generic.NewUUID()); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(u) {
			t.Fatalf("got %q", u)
		}
	})
	a, b := storagetest.MakeWidget("ns", "a", nil), storagetest.MakeWidget("ns", "a", nil)
	b.Labels = map[string]string{"x": "y"}
	t.Run("a metadata-only change is no spec change", func(t *testing.T) {
		if generic.SpecChanged(a, b) {
			t.Fatal("changed")
		}
	})
	t.Run("a spec change is seen", func(t *testing.T) {
		b.Spec.Count = 3
		if !generic.SpecChanged(a, b) {
			t.Fatal("not changed")
		}
	})
}

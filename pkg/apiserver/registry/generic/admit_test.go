package generic_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

// stepPlugin records when it runs: it paints new widgets (mutating) and
// refuses widgets whose count is negative (validating).
type stepPlugin struct {
	seen *[]string
}

func (p stepPlugin) Handles(op admission.Operation, gr schema.GroupResource) bool {
	return op == admission.Create || op == admission.Update
}

func (p stepPlugin) Admit(ctx context.Context, a *admission.Attributes) error {
	w := a.Object.(*widget)
	*p.seen = append(*p.seen, "admit:"+string(a.Operation)+":"+a.Name)
	if w.Spec.Color == "" {
		w.Spec.Color = "painted"
	}
	return nil
}

func (p stepPlugin) Validate(ctx context.Context, a *admission.Attributes) error {
	*p.seen = append(*p.seen, "validate:"+string(a.Operation)+":"+a.Name)
	if a.Object.(*widget).Spec.Count < 0 {
		return admission.NewForbidden(a, errors.New("negative"))
	}
	return nil
}

func TestAdmissionRunsAroundValidation(t *testing.T) {
	s := newStore(t)
	var seen []string
	gr := s.Resource
	s.Admission = admission.NewChain([]string{"steps"}, []admission.Plugin{stepPlugin{seen: &seen}}).ForResource(gr)

	out, err := s.Create(ctx, storagetest.MakeWidget("ns", "a", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.(*widget).Spec.Color != "painted" {
		t.Fatalf("mutation lost: %+v", out.(*widget).Spec)
	}
	bad := storagetest.MakeWidget("ns", "bad", nil)
	bad.Spec.Color = "bad"
	if _, err := s.Create(ctx, bad, nil); !apierrors.IsInvalid(err) {
		t.Fatalf("invalid widget: %v", err)
	}
	neg := storagetest.MakeWidget("ns", "", nil)
	neg.GenerateName = "neg-"
	neg.Spec.Count = -1
	_, err = s.Create(ctx, neg, nil)
	if err == nil || err.Error() != `widgets.test.keel.dev "neg-" is forbidden: negative` {
		t.Fatalf("negative widget: %v", err)
	}
	_, _, err = s.Update(ctx, "a", rest.UpdateFunc(func(ctx context.Context, old runtime.Object) (runtime.Object, error) {
		w := old.DeepCopyObject().(*widget)
		w.Spec.Count = -5
		return w, nil
	}), &metav1.UpdateOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("negative update: %v", err)
	}
	// The invalid widget never reached validating admission.
	want := []string{"admit:CREATE:a", "validate:CREATE:a", "admit:CREATE:bad", "admit:CREATE:neg-", "validate:CREATE:neg-",
		"admit:UPDATE:a", "validate:UPDATE:a"}
	if !slices.Equal(seen, want) {
		t.Fatalf("steps %v\nwant  %v", seen, want)
	}
}

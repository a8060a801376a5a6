package dctest

import (
	"reflect"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

func ptr[T any](v T) *T { return &v }

func sample() *Kind {
	stamp := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	child := func() Child { return Child{Labels: map[string]string{"a": "b"}, Ptr: ptr("p")} }
	return &Kind{
		TypeMeta:   metav1.TypeMeta{Kind: "Kind", APIVersion: "test/v1"},
		ObjectMeta: metav1.ObjectMeta{Name: "n", Labels: map[string]string{"l": "v"}, Finalizers: []string{"f"}},
		Spec: Spec{
			Name:       "spec",
			Count:      ptr(int32(3)),
			Tags:       []string{"x", "y"},
			Raw:        []byte("raw"),
			Children:   []Child{child()},
			ChildPtrs:  []*Child{ptr(child()), nil},
			Limits:     Limits{"cpu": {1, 2}},
			ByName:     map[string]Child{"c": child()},
			PtrByName:  map[string]*Child{"c": ptr(child()), "nil": nil},
			Headers:    map[string][]string{"h": {"1"}},
			Nested:     map[string]map[string]int{"o": {"i": 1}},
			Names:      Names{"n1"},
			Inner:      Inner{Child: child(), Flat: Flat{A: 1}},
			InnerPtr:   &Inner{Child: child()},
			Grid:       [2][]int{{1}, {2}},
			When:       metav1.NewTime(stamp),
			WhenPtr:    ptr(metav1.NewTime(stamp)),
			Timeout:    time.Second,
			Stamp:      stamp,
			Embedded:   &Status{Conditions: []metav1.Condition{{Type: "Ready"}}},
			Extension:  runtime.RawExtension{Raw: []byte(`{"a":1}`)},
			Flat:       Flat{A: 2, B: "b"},
			HandMade:   HandMade{Values: []int{7}},
			Selector:   &metav1.LabelSelector{MatchLabels: map[string]string{"k": "v"}},
			PtrToSlice: &[]string{"s"},
		},
		Status: &Status{Conditions: []metav1.Condition{{Type: "Ready", LastTransitionTime: metav1.NewTime(stamp)}}},
	}
}

// Status doubles as a runtime.Object so Spec.Embedded has something to copy.
func (s *Status) GetObjectKind() schema.ObjectKind { return nil }

func (s *Status) DeepCopyObject() runtime.Object { return s.DeepCopy() }

func mutate(k *Kind) {
	k.Name = "changed"
	k.Labels["l"] = "changed"
	k.Finalizers[0] = "changed"
	s := &k.Spec
	*s.Count = 99
	s.Tags[0] = "changed"
	s.Raw[0] = 'X'
	s.Children[0].Labels["a"] = "changed"
	*s.Children[0].Ptr = "changed"
	s.ChildPtrs[0].Labels["a"] = "changed"
	s.Limits["cpu"][0] = 99
	s.ByName["c"].Labels["a"] = "changed"
	*s.PtrByName["c"].Ptr = "changed"
	s.Headers["h"][0] = "changed"
	s.Nested["o"]["i"] = 99
	s.Names[0] = "changed"
	s.Inner.Child.Labels["a"] = "changed"
	s.InnerPtr.Child.Labels["a"] = "changed"
	s.Grid[0][0] = 99
	s.WhenPtr.Time = time.Time{}
	s.Embedded.(*Status).Conditions[0].Type = "changed"
	s.Extension.Raw[0] = 'X'
	s.HandMade.Values[0] = 99
	s.Selector.MatchLabels["k"] = "changed"
	(*s.PtrToSlice)[0] = "changed"
	k.Status.Conditions[0].Type = "changed"
}

func TestDeepCopyIsIndependent(t *testing.T) {
	orig := sample()
	obj := orig.DeepCopyObject()
	cp, ok := obj.(*Kind)
	if !ok {
		t.Fatalf("DeepCopyObject returned %T, want *Kind", obj)
	}
	if !reflect.DeepEqual(orig, cp) {
		t.Fatalf("copy differs from the original:\n%#v\n%#v", orig, cp)
	}
	mutate(cp)
	if !reflect.DeepEqual(orig, sample()) {
		t.Errorf("mutating the copy changed the original:\n%#v", orig)
	}
}

func TestListCopyIsIndependent(t *testing.T) {
	list := &KindList{Items: []Kind{*sample()}}
	cp := list.DeepCopyObject().(*KindList)
	mutate(&cp.Items[0])
	if !reflect.DeepEqual(list.Items[0], *sample()) {
		t.Errorf("mutating the copied item changed the original")
	}
}

func TestNilCopiesStayNil(t *testing.T) {
	var k *Kind
	if k.DeepCopy() != nil {
		t.Errorf("nil *Kind copied to non-nil")
	}
	var l Limits
	if l.DeepCopy() != nil {
		t.Errorf("nil Limits copied to non-nil")
	}
	empty := &Kind{}
	if cp := empty.DeepCopy(); !reflect.DeepEqual(cp, empty) {
		t.Errorf("empty Kind copied to %#v", cp)
	}
}

func TestMarkers(t *testing.T) {
	var _ runtime.Object = &Event{}
	ev := &Event{Type: "ADDED", Object: runtime.RawExtension{Raw: []byte("{}")}}
	cp := ev.DeepCopyObject().(*Event)
	cp.Object.Raw[0] = 'X'
	if string(ev.Object.Raw) != "{}" {
		t.Errorf("Event copy shares Raw")
	}
	if _, ok := any(&Ignored{}).(interface{ DeepCopy() *Ignored }); ok {
		t.Errorf("Ignored got a DeepCopy despite its marker")
	}
	if _, ok := any(&Cells{}).(interface{ DeepCopy() *Cells }); ok {
		t.Errorf("Cells got a DeepCopy although its fields cannot be copied")
	}
}

func TestHandWrittenDeepCopyIntoIsUsed(t *testing.T) {
	n := 0
	k := sample()
	k.Spec.HandMade.copies = &n
	k.DeepCopy()
	if n != 1 {
		t.Errorf("hand-written HandMade.DeepCopyInto ran %d times, want 1", n)
	}
}

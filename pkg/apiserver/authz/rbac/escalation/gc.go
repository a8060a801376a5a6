package escalation

import (
	"reflect"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// onlyGCFieldsChange reports whether obj differs from old at most in
// ownerReferences and finalizers (what the garbage collector edits, as in
// Kubernetes) and managedFields (which the field manager rewrites on every
// write and which grant nothing). Empty and missing lists compare equal.
func onlyGCFieldsChange(obj, old runtime.Object) bool {
	cp := obj.DeepCopyObject()
	m, ok1 := cp.(metav1.Object)
	om, ok2 := old.(metav1.Object)
	if !ok1 || !ok2 {
		return false
	}
	m.SetOwnerReferences(om.GetOwnerReferences())
	m.SetFinalizers(om.GetFinalizers())
	m.SetManagedFields(om.GetManagedFields())
	cp.GetObjectKind().SetGroupVersionKind(old.GetObjectKind().GroupVersionKind())
	return equalValues(reflect.ValueOf(cp), reflect.ValueOf(old))
}

var timeType = reflect.TypeFor[time.Time]()

// equalValues is a deep equality in which a nil slice or map equals an
// empty one and times compare by instant.
func equalValues(a, b reflect.Value) bool {
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equalValues(a.Elem(), b.Elem())
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equalValues(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() || !equalValues(a.MapIndex(k), bv) {
				return false
			}
		}
		return true
	case reflect.Struct:
		if a.Type() == timeType && a.CanInterface() {
			return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
		}
		for i := 0; i < a.NumField(); i++ {
			if !equalValues(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return a.IsNil() && b.IsNil()
	}
	return a.Equal(b)
}

package storage

import (
	"fmt"
	"reflect"

	"keel.dev/apimachinery/pkg/runtime"
)

// SetListItems fills the Items field of a typed list (for example a PodList)
// from items, which must be pointers to the list's element type. Elements are
// copied shallowly: the list shares maps and slices with items.
func SetListItems(list runtime.Object, items []runtime.Object) error {
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("list %T is not a pointer to a struct", list)
	}
	f := v.Elem().FieldByName("Items")
	if !f.IsValid() || f.Kind() != reflect.Slice {
		return fmt.Errorf("list %T has no Items slice", list)
	}
	elemType := f.Type().Elem()
	out := reflect.MakeSlice(f.Type(), len(items), len(items))
	for i, it := range items {
		iv := reflect.ValueOf(it)
		switch {
		case iv.Type() == elemType:
			out.Index(i).Set(iv)
		case iv.Kind() == reflect.Pointer && iv.Elem().Type() == elemType:
			out.Index(i).Set(iv.Elem())
		default:
			return fmt.Errorf("item %T does not fit %v", it, f.Type())
		}
	}
	f.Set(out)
	return nil
}

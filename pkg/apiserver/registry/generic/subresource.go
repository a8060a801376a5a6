package generic

import (
	"context"
	"fmt"
	"reflect"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// SubresourceStore serves get and update of a subresource that is a view of
// the whole object (status, finalize, ephemeralcontainers, resize): updates
// go through the parent's storage with another Strategy.
type SubresourceStore struct {
	store Store
}

var (
	_ rest.Getter  = (*SubresourceStore)(nil)
	_ rest.Updater = (*SubresourceStore)(nil)
)

// NewSubresourceStore returns the subresource view of parent named
// subresource ("status", "ephemeralcontainers", "finalize") updated with
// strategy. Write hooks of the parent do not run; its admission chain
// (as installed when the request comes) runs with the subresource set, so
// only plugins that act on subresources see the writes.
func NewSubresourceStore(parent *Store, subresource string, strategy Strategy) *SubresourceStore {
	s := &SubresourceStore{store: *parent}
	s.store.Strategy = strategy
	s.store.Hooks = Hooks{AfterDelete: parent.Hooks.AfterDelete}
	s.store.Admission = nil
	s.store.subresource = subresource
	s.store.admissionOf = parent
	return s
}

// New implements rest.Storage.
func (s *SubresourceStore) New() runtime.Object { return s.store.NewFunc() }

// Get implements rest.Getter.
func (s *SubresourceStore) Get(ctx context.Context, name string, opts *metav1.GetOptions) (runtime.Object, error) {
	return s.store.Get(ctx, name, opts)
}

// Update implements rest.Updater.
func (s *SubresourceStore) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, opts *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return s.store.Update(ctx, name, objInfo, opts)
}

// listItems returns the Items of a typed list as objects (pointers into the
// list's slice).
func listItems(list runtime.Object) ([]runtime.Object, error) {
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Pointer {
		return nil, fmt.Errorf("list %T is not a pointer", list)
	}
	f := v.Elem().FieldByName("Items")
	if !f.IsValid() || f.Kind() != reflect.Slice {
		return nil, fmt.Errorf("list %T has no Items", list)
	}
	out := make([]runtime.Object, f.Len())
	for i := range out {
		o, ok := f.Index(i).Addr().Interface().(runtime.Object)
		if !ok {
			return nil, fmt.Errorf("item of %T is no object", list)
		}
		out[i] = o
	}
	return out, nil
}

// ListItems returns the items of a typed list as objects.
func ListItems(list runtime.Object) ([]runtime.Object, error) { return listItems(list) }

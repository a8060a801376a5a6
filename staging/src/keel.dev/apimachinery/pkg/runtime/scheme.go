package runtime

import (
	"fmt"
	"reflect"
	"sort"
	"sync"

	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// The verbs a resource may serve, in the order discovery lists them.
var (
	// AllVerbs is the full verb set of an ordinary resource.
	AllVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
)

// SubresourceInfo describes one subresource ("status", "scale", …) of a resource.
type SubresourceInfo struct {
	// Name is the path segment after the object name ("status").
	Name string
	// Kind is the kind the subresource takes and returns; empty means the
	// parent's own kind.
	Kind schema.GroupVersionKind
	// Verbs served on the subresource.
	Verbs []string
}

// ResourceInfo is what discovery, routing and the OpenAPI generator need to
// know about one REST resource.
type ResourceInfo struct {
	// GroupVersionResource names the resource; Resource is the plural ("pods").
	schema.GroupVersionResource
	// Kind is the kind stored at the resource ("Pod"); ListKind its list ("PodList").
	Kind     string
	ListKind string
	// Singular is the singular name ("pod").
	Singular string
	// ShortNames are kubectl's abbreviations ("po").
	ShortNames []string
	// Categories group resources for kubectl ("all").
	Categories []string
	// Namespaced says whether objects live in namespaces.
	Namespaced bool
	// Verbs served on the resource; nil means AllVerbs.
	Verbs []string
	// Subresources served below each object.
	Subresources []SubresourceInfo
}

// GroupVersionKind names the resource's kind.
func (r ResourceInfo) GroupVersionKind() schema.GroupVersionKind {
	return r.GroupVersion().WithKind(r.Kind)
}

// Validator checks an object on create (old == nil) or update.
type Validator func(obj, old Object) field.ErrorList

// Scheme maps Go types to kinds and kinds to resources, and holds each kind's
// defaulting and validation. It is safe for concurrent reads once built.
type Scheme struct {
	mu           sync.RWMutex
	gvkToType    map[schema.GroupVersionKind]reflect.Type
	typeToGVK    map[reflect.Type][]schema.GroupVersionKind
	resources    map[schema.GroupVersionResource]ResourceInfo
	kindToRes    map[schema.GroupVersionKind]schema.GroupVersionResource
	defaulters   map[reflect.Type][]func(Object)
	validators   map[reflect.Type][]Validator
	versionOrder []schema.GroupVersion
}

// NewScheme returns an empty scheme.
func NewScheme() *Scheme {
	return &Scheme{
		gvkToType:  map[schema.GroupVersionKind]reflect.Type{},
		typeToGVK:  map[reflect.Type][]schema.GroupVersionKind{},
		resources:  map[schema.GroupVersionResource]ResourceInfo{},
		kindToRes:  map[schema.GroupVersionKind]schema.GroupVersionResource{},
		defaulters: map[reflect.Type][]func(Object){},
		validators: map[reflect.Type][]Validator{},
	}
}

func structType(obj Object) reflect.Type {
	t := reflect.TypeOf(obj)
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("runtime: %v must be a pointer to a struct", t))
	}
	return t.Elem()
}

// AddKnownTypes registers objects in gv under their Go type names as kinds.
func (s *Scheme) AddKnownTypes(gv schema.GroupVersion, objs ...Object) {
	for _, obj := range objs {
		s.AddKnownTypeWithName(gv.WithKind(structType(obj).Name()), obj)
	}
}

// AddKnownTypeWithName registers obj under an explicit kind. Registering a
// different type under a kind already taken panics (a programming error).
func (s *Scheme) AddKnownTypeWithName(gvk schema.GroupVersionKind, obj Object) {
	t := structType(obj)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.gvkToType[gvk]; ok {
		if old == t {
			return
		}
		panic(fmt.Sprintf("runtime: kind %v registered twice: %v and %v", gvk, old, t))
	}
	s.gvkToType[gvk] = t
	s.typeToGVK[t] = append(s.typeToGVK[t], gvk)
	s.addVersionLocked(gvk.GroupVersion())
}

func (s *Scheme) addVersionLocked(gv schema.GroupVersion) {
	for _, v := range s.versionOrder {
		if v == gv {
			return
		}
	}
	s.versionOrder = append(s.versionOrder, gv)
}

// AddResources registers REST resources. ListKind defaults to Kind+"List" and
// Verbs to AllVerbs. A resource registered twice panics.
func (s *Scheme) AddResources(infos ...ResourceInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, info := range infos {
		if info.ListKind == "" {
			info.ListKind = info.Kind + "List"
		}
		if info.Verbs == nil {
			info.Verbs = AllVerbs
		}
		if _, ok := s.resources[info.GroupVersionResource]; ok {
			panic(fmt.Sprintf("runtime: resource %v registered twice", info.GroupVersionResource))
		}
		s.resources[info.GroupVersionResource] = info
		gvk := info.GroupVersionKind()
		if _, ok := s.kindToRes[gvk]; !ok {
			s.kindToRes[gvk] = info.GroupVersionResource
		}
		s.addVersionLocked(info.GroupVersion())
	}
}

// AddDefaulter registers a defaulting function for the type of obj.
func (s *Scheme) AddDefaulter(obj Object, fn func(Object)) {
	t := structType(obj)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.defaulters[t] = append(s.defaulters[t], fn)
}

// AddValidator registers a validation function for the type of obj.
func (s *Scheme) AddValidator(obj Object, fn Validator) {
	t := structType(obj)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.validators[t] = append(s.validators[t], fn)
}

// AddTypedDefaulter registers a typed defaulting function.
func AddTypedDefaulter[T Object](s *Scheme, fn func(T)) {
	var zero T
	s.AddDefaulter(zero, func(o Object) { fn(o.(T)) })
}

// AddTypedValidator registers a typed validation function; old is the zero
// T (nil pointer) on create.
func AddTypedValidator[T Object](s *Scheme, fn func(obj, old T) field.ErrorList) {
	var zero T
	s.AddValidator(reflect.New(reflect.TypeOf(zero).Elem()).Interface().(Object), func(o, old Object) field.ErrorList {
		var oldT T
		if old != nil {
			oldT = old.(T)
		}
		return fn(o.(T), oldT)
	})
}

// New returns a new zero object of the kind.
func (s *Scheme) New(gvk schema.GroupVersionKind) (Object, error) {
	s.mu.RLock()
	t, ok := s.gvkToType[gvk]
	s.mu.RUnlock()
	if !ok {
		return nil, NewNotRegisteredErrForKind(gvk)
	}
	return reflect.New(t).Interface().(Object), nil
}

// Recognizes reports whether the kind is registered.
func (s *Scheme) Recognizes(gvk schema.GroupVersionKind) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.gvkToType[gvk]
	return ok
}

// ObjectKinds returns every kind obj's type is registered as.
func (s *Scheme) ObjectKinds(obj Object) ([]schema.GroupVersionKind, error) {
	t := reflect.TypeOf(obj)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s.mu.RLock()
	gvks := s.typeToGVK[t]
	s.mu.RUnlock()
	if len(gvks) == 0 {
		return nil, NewNotRegisteredErrForType(t)
	}
	return gvks, nil
}

// ObjectKind returns the kind obj is registered as; when a type is registered
// under several kinds, the one in obj's TypeMeta wins if it is among them.
func (s *Scheme) ObjectKind(obj Object) (schema.GroupVersionKind, error) {
	gvks, err := s.ObjectKinds(obj)
	if err != nil {
		return schema.GroupVersionKind{}, err
	}
	if len(gvks) > 1 {
		if want := obj.GetObjectKind().GroupVersionKind(); !want.Empty() {
			for _, g := range gvks {
				if g == want {
					return g, nil
				}
			}
		}
	}
	return gvks[0], nil
}

// SetKind fills obj's TypeMeta with its registered kind.
func (s *Scheme) SetKind(obj Object) error {
	gvk, err := s.ObjectKind(obj)
	if err != nil {
		return err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return nil
}

// Default applies the registered defaulting functions to obj.
func (s *Scheme) Default(obj Object) {
	s.mu.RLock()
	fns := s.defaulters[reflect.TypeOf(obj).Elem()]
	s.mu.RUnlock()
	for _, fn := range fns {
		fn(obj)
	}
}

// Validate runs the registered validation for a create (old == nil) or an
// update of obj; nil means valid.
func (s *Scheme) Validate(obj, old Object) field.ErrorList {
	s.mu.RLock()
	fns := s.validators[reflect.TypeOf(obj).Elem()]
	s.mu.RUnlock()
	var errs field.ErrorList
	for _, fn := range fns {
		errs = append(errs, fn(obj, old)...)
	}
	return errs
}

// Resource returns the resource registered under gvr.
func (s *Scheme) Resource(gvr schema.GroupVersionResource) (ResourceInfo, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.resources[gvr]
	return r, ok
}

// ResourceForKind returns the primary resource storing the kind.
func (s *Scheme) ResourceForKind(gvk schema.GroupVersionKind) (ResourceInfo, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	gvr, ok := s.kindToRes[gvk]
	if !ok {
		return ResourceInfo{}, false
	}
	return s.resources[gvr], true
}

// Resources returns every registered resource, sorted by group, version and name.
func (s *Scheme) Resources() []ResourceInfo {
	s.mu.RLock()
	out := make([]ResourceInfo, 0, len(s.resources))
	for _, r := range s.resources {
		out = append(out, r)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].GroupVersionResource, out[j].GroupVersionResource
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Resource < b.Resource
	})
	return out
}

// GroupVersions returns the registered group versions in registration order.
func (s *Scheme) GroupVersions() []schema.GroupVersion {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]schema.GroupVersion(nil), s.versionOrder...)
}

// KnownKinds returns every registered kind of a group version, keyed by name.
func (s *Scheme) KnownKinds(gv schema.GroupVersion) map[string]reflect.Type {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string]reflect.Type{}
	for gvk, t := range s.gvkToType {
		if gvk.GroupVersion() == gv {
			out[gvk.Kind] = t
		}
	}
	return out
}

// NotRegisteredError says a kind or Go type is not in the scheme.
type NotRegisteredError struct {
	GVK  schema.GroupVersionKind
	Type reflect.Type
}

// NewNotRegisteredErrForKind reports an unknown kind.
func NewNotRegisteredErrForKind(gvk schema.GroupVersionKind) error {
	return &NotRegisteredError{GVK: gvk}
}

// NewNotRegisteredErrForType reports an unregistered Go type.
func NewNotRegisteredErrForType(t reflect.Type) error {
	return &NotRegisteredError{Type: t}
}

func (e *NotRegisteredError) Error() string {
	if e.Type != nil {
		return fmt.Sprintf("no kind is registered for the type %v", e.Type)
	}
	if e.GVK.Version == "" {
		return fmt.Sprintf("no kind %q is registered for the group %q", e.GVK.Kind, e.GVK.Group)
	}
	return fmt.Sprintf("no kind %q is registered for version %q", e.GVK.Kind, e.GVK.GroupVersion().String())
}

// IsNotRegisteredError reports whether err is a NotRegisteredError.
func IsNotRegisteredError(err error) bool {
	_, ok := err.(*NotRegisteredError)
	return ok
}

package informers

import (
	"fmt"
	"strings"
	"sync"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// Object is what informers cache: a pointer kind with object metadata.
type Object interface {
	runtime.Object
	metav1.Object
}

// NamespaceIndex is the built-in index of objects by namespace.
const NamespaceIndex = "namespace"

// IndexFunc returns the index values of obj.
type IndexFunc[T any] func(obj T) ([]string, error)

// KeyOf returns the store key of obj: "namespace/name", or "name" for
// cluster-scoped objects.
func KeyOf(obj metav1.Object) string {
	if ns := obj.GetNamespace(); ns != "" {
		return ns + "/" + obj.GetName()
	}
	return obj.GetName()
}

// SplitKey splits a store key into namespace and name.
func SplitKey(key string) (namespace, name string) {
	if ns, n, ok := strings.Cut(key, "/"); ok {
		return ns, n
	}
	return "", key
}

// Store is a thread-safe map of objects by key with secondary indices.
type Store[T Object] struct {
	mu       sync.RWMutex
	items    map[string]T
	indexers map[string]IndexFunc[T]
	indices  map[string]map[string]map[string]struct{} // index → value → keys
}

// NewStore returns an empty store with the namespace index and indexers.
func NewStore[T Object](indexers map[string]IndexFunc[T]) *Store[T] {
	s := &Store[T]{items: map[string]T{}, indexers: map[string]IndexFunc[T]{}, indices: map[string]map[string]map[string]struct{}{}}
	s.indexers[NamespaceIndex] = func(obj T) ([]string, error) { return []string{obj.GetNamespace()}, nil }
	for k, f := range indexers {
		s.indexers[k] = f
	}
	return s
}

// AddIndexers adds indexers, indexing the objects already stored.
func (s *Store[T]) AddIndexers(indexers map[string]IndexFunc[T]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name := range indexers {
		if _, dup := s.indexers[name]; dup {
			return fmt.Errorf("indexer %q already exists", name)
		}
	}
	for name, f := range indexers {
		s.indexers[name] = f
		for key, obj := range s.items {
			s.indexOne(name, f, key, obj)
		}
	}
	return nil
}

func (s *Store[T]) indexOne(name string, f IndexFunc[T], key string, obj T) {
	vals, err := f(obj)
	if err != nil {
		return
	}
	idx := s.indices[name]
	if idx == nil {
		idx = map[string]map[string]struct{}{}
		s.indices[name] = idx
	}
	for _, v := range vals {
		set := idx[v]
		if set == nil {
			set = map[string]struct{}{}
			idx[v] = set
		}
		set[key] = struct{}{}
	}
}

func (s *Store[T]) unindex(key string, obj T) {
	for name, f := range s.indexers {
		vals, err := f(obj)
		if err != nil {
			continue
		}
		idx := s.indices[name]
		for _, v := range vals {
			if set := idx[v]; set != nil {
				delete(set, key)
				if len(set) == 0 {
					delete(idx, v)
				}
			}
		}
	}
}

// put stores obj; s.mu must be held.
func (s *Store[T]) put(key string, obj T) (old T, existed bool) {
	old, existed = s.items[key]
	if existed {
		s.unindex(key, old)
	}
	s.items[key] = obj
	for name, f := range s.indexers {
		s.indexOne(name, f, key, obj)
	}
	return old, existed
}

// Add stores obj (adding or replacing) and returns the previous object.
func (s *Store[T]) Add(obj T) (old T, existed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.put(KeyOf(obj), obj)
}

// Delete removes the object with key and returns it.
func (s *Store[T]) Delete(key string) (old T, existed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, existed = s.items[key]
	if existed {
		s.unindex(key, old)
		delete(s.items, key)
	}
	return old, existed
}

// Get returns the object with namespace and name.
func (s *Store[T]) Get(namespace, name string) (T, bool) {
	if namespace == "" {
		return s.GetByKey(name)
	}
	return s.GetByKey(namespace + "/" + name)
}

// GetByKey returns the object with key.
func (s *Store[T]) GetByKey(key string) (T, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	obj, ok := s.items[key]
	return obj, ok
}

// List returns every object.
func (s *Store[T]) List() []T {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]T, 0, len(s.items))
	for _, obj := range s.items {
		out = append(out, obj)
	}
	return out
}

// ListKeys returns every key.
func (s *Store[T]) ListKeys() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.items))
	for k := range s.items {
		out = append(out, k)
	}
	return out
}

// Len returns the number of objects.
func (s *Store[T]) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.items)
}

// ByIndex returns the objects whose index values include value.
func (s *Store[T]) ByIndex(index, value string) ([]T, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.indexers[index]; !ok {
		return nil, fmt.Errorf("index %q does not exist", index)
	}
	set := s.indices[index][value]
	out := make([]T, 0, len(set))
	for k := range set {
		out = append(out, s.items[k])
	}
	return out, nil
}

// Replace swaps the contents for items and returns the objects removed and
// the (old, new) pairs of objects kept, and the objects added.
func (s *Store[T]) replace(items []T) (added []T, updated [][2]T, removed []T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[string]struct{}, len(items))
	for _, obj := range items {
		key := KeyOf(obj)
		seen[key] = struct{}{}
		old, existed := s.put(key, obj)
		switch {
		case !existed:
			added = append(added, obj)
		case old.GetResourceVersion() != obj.GetResourceVersion():
			updated = append(updated, [2]T{old, obj})
		}
	}
	for key, obj := range s.items {
		if _, ok := seen[key]; !ok {
			s.unindex(key, obj)
			delete(s.items, key)
			removed = append(removed, obj)
		}
	}
	return added, updated, removed
}

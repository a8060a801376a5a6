package cacher

import (
	"sort"
	"strings"

	"keel.dev/apimachinery/pkg/runtime"
)

// IndexFunc returns the value of one index for an object, e.g. the pod's
// spec.nodeName ("" is a value like any other).
type IndexFunc func(obj runtime.Object) string

// entry is one cached object.
type entry struct {
	key string
	obj runtime.Object // read-only
	idx []string       // index values, aligned with store.names
}

// store is the cache's current state: entries by key, a slice sorted by
// key for ordered and prefix scans, and one map per index. Not safe for
// concurrent use; the Cacher's lock guards it.
type store struct {
	names   []string
	funcs   []IndexFunc
	byKey   map[string]*entry
	sorted  []*entry
	indexes []map[string]map[string]*entry // per index: value → key → entry
}

func newStore(indexers map[string]IndexFunc) *store {
	s := &store{byKey: map[string]*entry{}}
	for name := range indexers {
		s.names = append(s.names, name)
	}
	sort.Strings(s.names)
	for _, n := range s.names {
		s.funcs = append(s.funcs, indexers[n])
		s.indexes = append(s.indexes, map[string]map[string]*entry{})
	}
	return s
}

// indexOf returns the position of the index called name, or -1.
func (s *store) indexOf(name string) int {
	for i, n := range s.names {
		if n == name {
			return i
		}
	}
	return -1
}

func (s *store) indexValues(obj runtime.Object) []string {
	if len(s.funcs) == 0 {
		return nil
	}
	vals := make([]string, len(s.funcs))
	for i, f := range s.funcs {
		vals[i] = f(obj)
	}
	return vals
}

func (s *store) get(key string) *entry { return s.byKey[key] }

// position returns where key is or would be in sorted.
func (s *store) position(key string) int {
	return sort.Search(len(s.sorted), func(i int) bool { return s.sorted[i].key >= key })
}

// put inserts or replaces the object at key and returns the previous entry.
func (s *store) put(key string, obj runtime.Object) (prev, cur *entry) {
	cur = &entry{key: key, obj: obj, idx: s.indexValues(obj)}
	prev = s.byKey[key]
	s.byKey[key] = cur
	i := s.position(key)
	if prev != nil {
		s.sorted[i] = cur
		s.unindex(prev)
	} else {
		s.sorted = append(s.sorted, nil)
		copy(s.sorted[i+1:], s.sorted[i:])
		s.sorted[i] = cur
	}
	for n, v := range cur.idx {
		m := s.indexes[n][v]
		if m == nil {
			m = map[string]*entry{}
			s.indexes[n][v] = m
		}
		m[key] = cur
	}
	return prev, cur
}

// remove deletes key and returns its entry, if any.
func (s *store) remove(key string) *entry {
	prev := s.byKey[key]
	if prev == nil {
		return nil
	}
	delete(s.byKey, key)
	i := s.position(key)
	s.sorted = append(s.sorted[:i], s.sorted[i+1:]...)
	s.unindex(prev)
	return prev
}

func (s *store) unindex(e *entry) {
	for n, v := range e.idx {
		if m := s.indexes[n][v]; m != nil {
			delete(m, e.key)
			if len(m) == 0 {
				delete(s.indexes[n], v)
			}
		}
	}
}

// scan calls fn on the entries whose key starts with prefix (or equals it
// when exact) and is not before from, in key order, until fn returns false.
// When index n is given (>= 0), only entries with that index value are
// visited.
func (s *store) scan(prefix, from string, exact bool, index int, value string, fn func(*entry) bool) {
	if exact {
		if e := s.byKey[prefix]; e != nil && (index < 0 || e.idx[index] == value) {
			fn(e)
		}
		return
	}
	if index >= 0 {
		m := s.indexes[index][value]
		matched := make([]*entry, 0, len(m))
		for k, e := range m {
			if strings.HasPrefix(k, prefix) && k >= from {
				matched = append(matched, e)
			}
		}
		sort.Slice(matched, func(i, j int) bool { return matched[i].key < matched[j].key })
		for _, e := range matched {
			if !fn(e) {
				return
			}
		}
		return
	}
	for i := s.position(max(prefix, from)); i < len(s.sorted); i++ {
		e := s.sorted[i]
		if !strings.HasPrefix(e.key, prefix) || !fn(e) {
			return
		}
	}
}

// countFrom counts the entries under prefix with a key greater than after
// (all of them when after is empty).
func (s *store) countFrom(prefix, after string) int64 {
	from := prefix
	if after != "" {
		from = after + "\x00"
	}
	lo := s.position(from)
	hi := s.position(prefixEnd(prefix))
	if hi < lo {
		return 0
	}
	return int64(hi - lo)
}

// prefixEnd is the smallest key greater than every key with prefix.
func prefixEnd(prefix string) string {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return "\xff\xff\xff\xff"
}

// reset replaces the whole content.
func (s *store) reset(keys []string, objs []runtime.Object) {
	s.byKey = make(map[string]*entry, len(keys))
	s.sorted = s.sorted[:0]
	for i := range s.indexes {
		s.indexes[i] = map[string]map[string]*entry{}
	}
	for i, k := range keys {
		s.put(k, objs[i])
	}
}

package storage

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
)

// Predicate selects objects, typically from a label and a field selector.
// The zero Predicate selects everything.
type Predicate struct {
	// Match reports whether obj is selected; nil selects every object. It
	// must not modify obj.
	Match func(obj runtime.Object) bool
	// IndexHints are exact values every selected object has for named
	// indexes, e.g. {"spec.nodeName": "node-1"}, that a cache may use to
	// skip scanning. They only narrow; Match is still applied.
	IndexHints map[string]string
}

// Empty reports whether the predicate selects everything.
func (p Predicate) Empty() bool { return p.Match == nil }

// Matches reports whether obj is selected.
func (p Predicate) Matches(obj runtime.Object) bool {
	return p.Match == nil || p.Match(obj)
}

// ClassifyEvent decides what a watcher with predicate p sees of a change:
// deleted tells a deletion, created a new key, cur is the new state (nil on
// deletion) and prev the old one (nil when unknown). An update
// that leaves the selection is seen as DELETED of prev, one that enters it as
// ADDED. The type is empty when the watcher sees nothing.
func ClassifyEvent(p Predicate, deleted, created bool, cur, prev runtime.Object) (watch.EventType, runtime.Object) {
	switch {
	case deleted:
		if prev != nil && p.Matches(prev) {
			return watch.Deleted, prev
		}
	case created:
		if p.Matches(cur) {
			return watch.Added, cur
		}
	default:
		curMatch := p.Matches(cur)
		prevMatch := curMatch // an unknown old state is taken as unchanged selection
		if prev != nil {
			prevMatch = p.Matches(prev)
		}
		switch {
		case curMatch && prevMatch:
			return watch.Modified, cur
		case curMatch:
			return watch.Added, cur
		case prevMatch:
			return watch.Deleted, prev
		}
	}
	return "", nil
}

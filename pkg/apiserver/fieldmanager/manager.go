package fieldmanager

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/typeschema"
)

// Conflict is one field another manager owns with a different value.
type Conflict struct {
	Manager    string
	APIVersion string
	Path       []string
}

// ConflictError is returned by Apply when fields conflict and force is off.
type ConflictError struct {
	Conflicts []Conflict
}

func (e *ConflictError) Error() string {
	n := len(e.Conflicts)
	byMgr := map[string][]string{}
	var order []string
	for _, c := range e.Conflicts {
		k := fmt.Sprintf("%q using %s", c.Manager, c.APIVersion)
		if _, ok := byMgr[k]; !ok {
			order = append(order, k)
		}
		byMgr[k] = append(byMgr[k], PathString(c.Path))
	}
	noun := "conflict"
	if n > 1 {
		noun = "conflicts"
	}
	if n == 1 {
		return fmt.Sprintf("Apply failed with 1 conflict: conflict with %s: %s", order[0], byMgr[order[0]][0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Apply failed with %d %s: ", n, noun)
	for i, k := range order {
		if i > 0 {
			b.WriteString("\n")
		}
		if len(byMgr[k]) == 1 {
			fmt.Fprintf(&b, "conflict with %s: %s", k, byMgr[k][0])
			continue
		}
		fmt.Fprintf(&b, "conflicts with %s:", k)
		for _, p := range byMgr[k] {
			b.WriteString("\n- " + p)
		}
	}
	return b.String()
}

// Manager keeps managedFields for one kind.
type Manager struct {
	// Type is the Go type of the kind (schema source).
	Type reflect.Type
	// APIVersion is recorded in the entries ("apps/v1").
	APIVersion string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (m *Manager) now() *metav1.Time {
	t := time.Now()
	if m.Now != nil {
		t = m.Now()
	}
	mt := metav1.NewTime(t.UTC().Truncate(time.Second))
	return &mt
}

type owned struct {
	entry metav1.ManagedFieldsEntry
	set   *Set
}

func decodeEntries(entries []metav1.ManagedFieldsEntry) ([]owned, error) {
	out := make([]owned, 0, len(entries))
	for _, e := range entries {
		s := NewSet()
		if e.FieldsV1 != nil && len(e.FieldsV1.Raw) > 0 {
			if err := json.Unmarshal(e.FieldsV1.Raw, s); err != nil {
				return nil, fmt.Errorf("managedFields of %q: %w", e.Manager, err)
			}
			s.Self = false
		}
		out = append(out, owned{entry: e, set: s})
	}
	return out, nil
}

func encodeEntries(list []owned) []metav1.ManagedFieldsEntry {
	out := make([]metav1.ManagedFieldsEntry, 0, len(list))
	for _, o := range list {
		if o.set.Empty() {
			continue
		}
		raw, _ := o.set.MarshalJSON()
		e := o.entry
		e.FieldsType = "FieldsV1"
		e.FieldsV1 = &metav1.FieldsV1{Raw: raw}
		out = append(out, e)
	}
	// Apply entries first, then updates, each in manager order, for stable output.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Operation != out[j].Operation {
			return out[i].Operation == metav1.ManagedFieldsOperationApply
		}
		return false
	})
	return out
}

func sameOwner(e metav1.ManagedFieldsEntry, manager string, op metav1.ManagedFieldsOperationType, subresource string) bool {
	return e.Manager == manager && e.Operation == op && e.Subresource == subresource
}

// Update records that manager changed oldObj into newObj (create, update or
// patch): it takes ownership of the fields whose values it set or changed,
// other managers lose them, and fields that disappeared lose every owner.
func (m *Manager) Update(oldObj, newObj map[string]any, entries []metav1.ManagedFieldsEntry, manager, subresource string) ([]metav1.ManagedFieldsEntry, error) {
	list, err := decodeEntries(entries)
	if err != nil {
		return nil, err
	}
	newSet := FieldsOf(newObj, m.Type, subresource)
	oldSet := NewSet()
	if oldObj != nil {
		oldSet = FieldsOf(oldObj, m.Type, subresource)
	}
	changed := NewSet()
	if oldObj == nil {
		changed = newSet // a create: the manager sets every field
	}
	for _, p := range newSet.Paths() {
		if oldObj == nil {
			break
		}
		nv, _ := lookupPath(newObj, p, m.Type)
		ov, ok := lookupPath(oldObj, p, m.Type)
		if !ok {
			changed.Insert(p...)
			continue
		}
		// A map or list element that existed before is not changed by a
		// change below it; its members are judged one by one.
		if isContainer(nv) && isContainer(ov) {
			continue
		}
		if !jsonEqual(nv, ov) {
			changed.Insert(p...)
		}
	}
	removed := oldSet.Difference(newSet)
	idx := -1
	for i := range list {
		list[i].set = list[i].set.Difference(removed)
		if sameOwner(list[i].entry, manager, metav1.ManagedFieldsOperationUpdate, subresource) {
			idx = i
			continue
		}
		list[i].set = list[i].set.Difference(changed)
	}
	if changed.Empty() {
		// Nothing this manager set is new: its entry (and its timestamp)
		// stays as it was, so a no-op update leaves the object unchanged.
		return encodeEntries(list), nil
	}
	if idx < 0 {
		list = append(list, owned{entry: metav1.ManagedFieldsEntry{
			Manager: manager, Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: m.APIVersion, Subresource: subresource,
		}, set: NewSet()})
		idx = len(list) - 1
	}
	list[idx].set = list[idx].set.Union(changed)
	list[idx].entry.Time = m.now()
	list[idx].entry.APIVersion = m.APIVersion
	return encodeEntries(list), nil
}

// Apply merges the applied configuration into live (which it may modify) for
// manager and returns the result with its new managedFields. Without force,
// fields owned by other managers with a different value are conflicts.
func (m *Manager) Apply(live, applied map[string]any, entries []metav1.ManagedFieldsEntry, manager, subresource string, force bool) (map[string]any, []metav1.ManagedFieldsEntry, error) {
	list, err := decodeEntries(entries)
	if err != nil {
		return nil, nil, err
	}
	if live == nil {
		live = map[string]any{}
	}
	appliedSet := FieldsOf(applied, m.Type, subresource)
	lastApplied := lastAppliedConfiguration(live)

	var conflicts []Conflict
	for i := range list {
		if sameOwner(list[i].entry, manager, metav1.ManagedFieldsOperationApply, subresource) {
			continue
		}
		overlap := list[i].set.Intersection(appliedSet)
		var taken *Set
		for _, p := range leafPaths(overlap) {
			av, _ := lookupPath(applied, p, m.Type)
			lv, ok := lookupPath(live, p, m.Type)
			if ok && (jsonEqual(av, lv) || (isContainer(av) && isContainer(lv))) {
				// Same value: shared ownership. A map or list element
				// present on both sides is judged by its members.
				continue
			}
			// Moving from client-side to server-side apply: fields the
			// client-side applier set from its last-applied configuration
			// are taken over without a conflict, as Kubernetes does.
			takeOver := list[i].entry.Manager == ClientSideApplyManager && lastApplied != nil
			if takeOver {
				_, takeOver = lookupPath(lastApplied, p, m.Type)
			}
			if !force && !takeOver {
				conflicts = append(conflicts, Conflict{Manager: list[i].entry.Manager, APIVersion: list[i].entry.APIVersion, Path: p})
				continue
			}
			if taken == nil {
				taken = NewSet()
			}
			taken.Insert(p...)
		}
		if taken != nil {
			list[i].set = list[i].set.Difference(taken)
		}
	}
	if len(conflicts) > 0 {
		sort.SliceStable(conflicts, func(i, j int) bool { return PathString(conflicts[i].Path) < PathString(conflicts[j].Path) })
		return nil, nil, &ConflictError{Conflicts: conflicts}
	}

	idx := -1
	for i := range list {
		if sameOwner(list[i].entry, manager, metav1.ManagedFieldsOperationApply, subresource) {
			idx = i
		}
	}
	// Fields this manager applied before and no longer applies are removed,
	// unless another manager still owns them.
	if idx >= 0 {
		dropped := list[idx].set.Difference(appliedSet)
		others := NewSet()
		for i := range list {
			if i != idx {
				others = others.Union(list[i].set)
			}
		}
		dropped = dropped.Difference(others)
		var paths [][]string
		for _, p := range leafPaths(dropped) {
			// A map or list element that still holds fields of other
			// managers stays; only this manager's members below it go.
			if !others.hasBelow(p) {
				paths = append(paths, p)
			}
		}
		// Remove shallow paths first: a removed list element takes its
		// members along, while its key is still there to find it by.
		sort.SliceStable(paths, func(i, j int) bool { return len(paths[i]) < len(paths[j]) })
		for _, p := range paths {
			removePath(live, p)
		}
	}

	merged := mergeApplied(live, applied, m.Type)
	if idx < 0 {
		list = append(list, owned{entry: metav1.ManagedFieldsEntry{
			Manager: manager, Operation: metav1.ManagedFieldsOperationApply, Subresource: subresource,
		}})
		idx = len(list) - 1
	}
	list[idx].set = appliedSet
	list[idx].entry.APIVersion = m.APIVersion
	list[idx].entry.Time = m.now()
	return merged, encodeEntries(list), nil
}

// mergeApplied merges applied into live under the schema of t.
func mergeApplied(live, applied map[string]any, t reflect.Type) map[string]any {
	if live == nil {
		live = map[string]any{}
	}
	for k, av := range applied {
		fi := typeschema.Lookup(t, k)
		live[k] = mergeValue(live[k], av, fi)
	}
	return live
}

func mergeValue(lv, av any, fi typeschema.Field) any {
	switch a := av.(type) {
	case map[string]any:
		l, ok := lv.(map[string]any)
		if !ok {
			l = map[string]any{}
		}
		return mergeApplied(l, a, fi.Type)
	case []any:
		l, _ := lv.([]any)
		switch fi.ListKind() {
		case typeschema.Associative:
			et := typeschema.Elem(fi.Type)
			out := append([]any(nil), l...)
			for _, e := range a {
				em, ok := e.(map[string]any)
				if !ok {
					continue
				}
				j := indexOfKey(out, keyOf(em, fi.MergeKey))
				if j < 0 {
					out = append(out, em)
					continue
				}
				cur, _ := out[j].(map[string]any)
				out[j] = mergeApplied(cur, em, et)
			}
			return out
		case typeschema.SetList:
			out := append([]any(nil), l...)
			for _, e := range a {
				found := false
				for _, x := range out {
					if jsonEqual(x, e) {
						found = true
						break
					}
				}
				if !found {
					out = append(out, e)
				}
			}
			return out
		}
		return a
	}
	return av
}

func jsonEqual(a, b any) bool { return jsonString(a) == jsonString(b) }

func isContainer(v any) bool {
	switch c := v.(type) {
	case map[string]any:
		return len(c) > 0
	case []any:
		return len(c) > 0
	}
	return false
}

// ClientSideApplyManager is the field manager of `kubectl apply` without
// --server-side.
const ClientSideApplyManager = "kubectl-client-side-apply"

// LastAppliedAnnotation holds client-side apply's last applied manifest.
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// lastAppliedConfiguration decodes the last-applied annotation of obj, if any.
func lastAppliedConfiguration(obj map[string]any) map[string]any {
	meta, _ := obj["metadata"].(map[string]any)
	ann, _ := meta["annotations"].(map[string]any)
	raw, _ := ann[LastAppliedAnnotation].(string)
	if raw == "" {
		return nil
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil
	}
	return out
}

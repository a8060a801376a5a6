// Package mergepatch applies and creates JSON Merge Patches (RFC 7386): an
// object patch merges member by member, null deletes a member, and any other
// value (arrays included) replaces the target.
package mergepatch

import (
	"bytes"
	"encoding/json"
	"fmt"
)

func decode(b []byte) (any, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// Apply merges patch into doc.
func Apply(doc, patch []byte) ([]byte, error) {
	p, err := decode(patch)
	if err != nil {
		return nil, fmt.Errorf("invalid merge patch: %w", err)
	}
	var d any
	if len(bytes.TrimSpace(doc)) > 0 {
		if d, err = decode(doc); err != nil {
			return nil, fmt.Errorf("invalid JSON document: %w", err)
		}
	}
	return json.Marshal(MergeValue(d, p))
}

// MergeValue merges the decoded patch p into the decoded target t (which it may modify).
func MergeValue(t, p any) any {
	pm, ok := p.(map[string]any)
	if !ok {
		return p
	}
	tm, ok := t.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
			continue
		}
		tm[k] = MergeValue(tm[k], v)
	}
	return tm
}

// Create returns the merge patch that turns original into modified.
func Create(original, modified []byte) ([]byte, error) {
	o, err := decode(original)
	if err != nil {
		return nil, fmt.Errorf("invalid original document: %w", err)
	}
	m, err := decode(modified)
	if err != nil {
		return nil, fmt.Errorf("invalid modified document: %w", err)
	}
	return json.Marshal(Diff(o, m))
}

// Diff returns the decoded merge patch from o to m; an empty object means no change.
func Diff(o, m any) any {
	om, ok1 := o.(map[string]any)
	mm, ok2 := m.(map[string]any)
	if !ok1 || !ok2 {
		return m
	}
	patch := map[string]any{}
	for k, ov := range om {
		mv, ok := mm[k]
		if !ok {
			patch[k] = nil
			continue
		}
		if equalJSON(ov, mv) {
			continue
		}
		if _, isObj := mv.(map[string]any); isObj {
			if _, wasObj := ov.(map[string]any); wasObj {
				patch[k] = Diff(ov, mv)
				continue
			}
		}
		patch[k] = mv
	}
	for k, mv := range mm {
		if _, ok := om[k]; !ok {
			patch[k] = mv
		}
	}
	return patch
}

func equalJSON(a, b any) bool {
	ab, err1 := json.Marshal(a)
	bb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ab, bb)
}

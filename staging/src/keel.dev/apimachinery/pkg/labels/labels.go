package labels

import (
	"fmt"
	"slices"
	"strings"
)

// Labels is read access to a set of labels.
type Labels interface {
	// Has reports whether the label is present.
	Has(label string) bool
	// Get returns the label's value, or "" when absent.
	Get(label string) string
	// Lookup returns the label's value and whether it is present.
	Lookup(label string) (string, bool)
}

// Set is a plain label map; it implements Labels.
type Set map[string]string

var _ Labels = Set(nil)

// String renders the set as "k1=v1,k2=v2" sorted by key.
func (ls Set) String() string {
	pairs := make([]string, 0, len(ls))
	for k, v := range ls {
		pairs = append(pairs, k+"="+v)
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

// Has reports whether label is in the set.
func (ls Set) Has(label string) bool {
	_, ok := ls[label]
	return ok
}

// Get returns label's value, or "".
func (ls Set) Get(label string) string { return ls[label] }

// Lookup returns label's value and whether it is present.
func (ls Set) Lookup(label string) (string, bool) {
	v, ok := ls[label]
	return v, ok
}

// AsSelector returns a selector requiring every pair of the set, without validation.
func (ls Set) AsSelector() Selector { return SelectorFromSet(ls) }

// AsValidatedSelector is AsSelector that validates keys and values.
func (ls Set) AsValidatedSelector() (Selector, error) { return ValidatedSelectorFromSet(ls) }

// FormatLabels renders a label map like Set.String, or "<none>" when empty.
func FormatLabels(m map[string]string) string {
	if s := Set(m).String(); s != "" {
		return s
	}
	return "<none>"
}

// Conflicts reports whether a key is in both sets with different values.
func Conflicts(a, b Set) bool {
	if len(b) < len(a) {
		a, b = b, a
	}
	for k, v := range a {
		if w, ok := b[k]; ok && w != v {
			return true
		}
	}
	return false
}

// Merge returns a new set with a's pairs overridden by b's.
func Merge(a, b Set) Set {
	out := make(Set, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// Equals reports whether two sets hold the same pairs.
func Equals(a, b Set) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// ConvertSelectorToLabelsMap parses a "k=v,k2=v2" string into a Set,
// validating keys and values.
func ConvertSelectorToLabelsMap(selector string) (Set, error) {
	out := Set{}
	if selector == "" {
		return out, nil
	}
	for _, pair := range strings.Split(selector, ",") {
		kv := strings.Split(pair, "=")
		if len(kv) != 2 {
			return out, fmt.Errorf("invalid selector: %s", kv)
		}
		k, v := strings.TrimSpace(kv[0]), strings.TrimSpace(kv[1])
		if err := validateLabelKey(k, nil); err != nil {
			return out, err
		}
		if err := validateLabelValue(k, v, nil); err != nil {
			return out, err
		}
		out[k] = v
	}
	return out, nil
}

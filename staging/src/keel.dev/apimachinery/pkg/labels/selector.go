package labels

import (
	"cmp"
	"slices"
	"strings"

	"keel.dev/apimachinery/pkg/selection"
)

// Selector decides whether a label set is selected.
type Selector interface {
	// Matches reports whether the labels satisfy every requirement.
	Matches(Labels) bool
	// Empty reports whether the selector has no requirements (matches everything).
	Empty() bool
	// String renders the selector in canonical selector syntax.
	String() string
	// Add returns a new selector with the extra requirements.
	Add(r ...Requirement) Selector
	// Requirements returns the requirements and whether the selector can be
	// expressed as requirements at all (false for Nothing).
	Requirements() (requirements Requirements, selectable bool)
	// DeepCopySelector returns an independent copy.
	DeepCopySelector() Selector
	// RequiresExactMatch returns the single value the label must have, if the
	// selector pins it with =, == or a one-value in.
	RequiresExactMatch(label string) (value string, found bool)
}

// reqSelector is a conjunction of requirements kept sorted by key.
type reqSelector []Requirement

var _ Selector = reqSelector(nil)

// Everything returns a selector that matches all label sets.
func Everything() Selector { return reqSelector{} }

// NewSelector returns an empty selector to Add requirements to.
func NewSelector() Selector { return reqSelector(nil) }

func sortByKey(rs []Requirement) {
	slices.SortStableFunc(rs, func(a, b Requirement) int { return cmp.Compare(a.key, b.key) })
}

func (s reqSelector) Matches(ls Labels) bool {
	for i := range s {
		if !s[i].Matches(ls) {
			return false
		}
	}
	return true
}

func (s reqSelector) Empty() bool { return len(s) == 0 }

func (s reqSelector) String() string {
	parts := make([]string, len(s))
	for i := range s {
		parts[i] = s[i].String()
	}
	return strings.Join(parts, ",")
}

func (s reqSelector) Add(reqs ...Requirement) Selector {
	out := make(reqSelector, 0, len(s)+len(reqs))
	out = append(out, s...)
	out = append(out, reqs...)
	sortByKey(out)
	return out
}

func (s reqSelector) Requirements() (Requirements, bool) { return Requirements(s), true }

func (s reqSelector) DeepCopySelector() Selector {
	if s == nil {
		return reqSelector(nil)
	}
	out := make(reqSelector, len(s))
	for i := range s {
		out[i] = s[i].DeepCopy()
	}
	return out
}

func (s reqSelector) RequiresExactMatch(label string) (string, bool) {
	for i := range s {
		if s[i].key != label {
			continue
		}
		switch s[i].operator {
		case selection.Equals, selection.DoubleEquals, selection.In:
			if len(s[i].values) == 1 {
				return s[i].values[0], true
			}
		}
		return "", false
	}
	return "", false
}

// nothingSelector matches no label set.
type nothingSelector struct{}

var nothing Selector = nothingSelector{}

// Nothing returns a selector that matches no label set.
func Nothing() Selector { return nothing }

// MatchesNothing reports whether s is the Nothing selector.
func MatchesNothing(s Selector) bool { return s == nothing }

func (nothingSelector) Matches(Labels) bool                      { return false }
func (nothingSelector) Empty() bool                              { return false }
func (nothingSelector) String() string                           { return "" }
func (n nothingSelector) Add(...Requirement) Selector            { return n }
func (nothingSelector) Requirements() (Requirements, bool)       { return nil, false }
func (n nothingSelector) DeepCopySelector() Selector             { return n }
func (nothingSelector) RequiresExactMatch(string) (string, bool) { return "", false }

// SelectorFromSet returns a selector requiring label=value for every pair,
// without validating them; an empty set gives Everything.
func SelectorFromSet(ls Set) Selector { return SelectorFromValidatedSet(ls) }

// SelectorFromValidatedSet is SelectorFromSet for sets already known valid.
func SelectorFromValidatedSet(ls Set) Selector {
	out := make(reqSelector, 0, len(ls))
	for k, v := range ls {
		out = append(out, Requirement{key: k, operator: selection.Equals, values: []string{v}})
	}
	sortByKey(out)
	return out
}

// ValidatedSelectorFromSet is SelectorFromSet that validates every key and value.
func ValidatedSelectorFromSet(ls Set) (Selector, error) {
	out := make(reqSelector, 0, len(ls))
	for k, v := range ls {
		r, err := NewRequirement(k, selection.Equals, []string{v})
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	sortByKey(out)
	return out, nil
}

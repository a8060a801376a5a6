package fields

import (
	"slices"
	"strings"

	"keel.dev/apimachinery/pkg/selection"
)

// Fields is read access to an object's selectable fields.
type Fields interface {
	// Has reports whether the field is present.
	Has(field string) bool
	// Get returns the field's value, or "".
	Get(field string) string
}

// Set is a plain field map; it implements Fields.
type Set map[string]string

var _ Fields = Set(nil)

// String renders the set as "f1=v1,f2=v2" sorted, values unescaped.
func (s Set) String() string {
	pairs := make([]string, 0, len(s))
	for k, v := range s {
		pairs = append(pairs, k+"="+v)
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

// Has reports whether field is in the set.
func (s Set) Has(field string) bool {
	_, ok := s[field]
	return ok
}

// Get returns field's value, or "".
func (s Set) Get(field string) string { return s[field] }

// AsSelector returns a selector requiring every pair of the set.
func (s Set) AsSelector() Selector { return SelectorFromSet(s) }

// Requirement is one term of a field selector.
type Requirement struct {
	// Operator is selection.Equals or selection.NotEquals.
	Operator selection.Operator
	// Field is the field path, e.g. "metadata.name".
	Field string
	// Value is the unescaped value.
	Value string
}

// Requirements is a list of terms that must all hold.
type Requirements []Requirement

package labels

import (
	"slices"
	"strconv"
	"strings"

	"keel.dev/apimachinery/pkg/selection"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// operatorNames lists the operators NewRequirement accepts, in Kubernetes' order.
var operatorNames = []string{
	string(selection.In), string(selection.NotIn),
	string(selection.Equals), string(selection.DoubleEquals), string(selection.NotEquals),
	string(selection.GreaterThan), string(selection.LessThan),
	string(selection.Exists), string(selection.DoesNotExist),
}

// binaryOperatorList is the operator list printed by parse errors.
var binaryOperatorList = strings.Join(operatorNames[:7], ", ")

// Requirement is one term of a selector: a key, an operator and its values.
type Requirement struct {
	key      string
	operator selection.Operator
	values   []string
}

// Requirements is a list of requirements that must all hold.
type Requirements []Requirement

// String renders the requirements joined by ", ".
func (rs Requirements) String() string {
	parts := make([]string, len(rs))
	for i := range rs {
		parts[i] = rs[i].String()
	}
	return strings.Join(parts, ", ")
}

// NewRequirement builds a validated requirement: the key must be a qualified
// name, values must be label values, and their number must suit the operator
// (one for =, ==, !=, gt, lt; at least one for in/notin; none for exists and !).
func NewRequirement(key string, op selection.Operator, vals []string) (*Requirement, error) {
	var errs field.ErrorList
	var root *field.Path
	if err := validateLabelKey(key, root.Child("key")); err != nil {
		errs = append(errs, err)
	}
	valuePath := root.Child("values")
	switch op {
	case selection.In, selection.NotIn:
		if len(vals) == 0 {
			errs = append(errs, field.Invalid(valuePath, vals, "for 'in', 'notin' operators, values set can't be empty"))
		}
	case selection.Equals, selection.DoubleEquals, selection.NotEquals:
		if len(vals) != 1 {
			errs = append(errs, field.Invalid(valuePath, vals, "exact-match compatibility requires one single value"))
		}
	case selection.Exists, selection.DoesNotExist:
		if len(vals) != 0 {
			errs = append(errs, field.Invalid(valuePath, vals, "values set must be empty for exists and does not exist"))
		}
	case selection.GreaterThan, selection.LessThan:
		if len(vals) != 1 {
			errs = append(errs, field.Invalid(valuePath, vals, "for 'Gt', 'Lt' operators, exactly one value is required"))
		}
		for i, v := range vals {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				errs = append(errs, field.Invalid(valuePath.Index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"))
			}
		}
	default:
		errs = append(errs, field.NotSupported(root.Child("operator"), op, operatorNames))
	}
	for i, v := range vals {
		if err := validateLabelValue(key, v, valuePath.Index(i)); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errs.ToAggregate(); err != nil {
		return nil, err
	}
	return &Requirement{key: key, operator: op, values: slices.Clone(vals)}, nil
}

func validateLabelKey(k string, p *field.Path) *field.Error {
	if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
		return field.Invalid(p, k, strings.Join(msgs, "; "))
	}
	return nil
}

func validateLabelValue(k, v string, p *field.Path) *field.Error {
	if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
		return field.Invalid(p.Key(k), v, strings.Join(msgs, "; "))
	}
	return nil
}

// Key returns the label key.
func (r *Requirement) Key() string { return r.key }

// Operator returns the operator.
func (r *Requirement) Operator() selection.Operator { return r.operator }

// Values returns the values, sorted and de-duplicated.
func (r *Requirement) Values() []string {
	out := slices.Clone(r.values)
	slices.Sort(out)
	return slices.Compact(out)
}

// ValuesUnsorted returns a copy of the values in their stored order.
func (r *Requirement) ValuesUnsorted() []string { return slices.Clone(r.values) }

// Equal reports whether two requirements have the same key, operator and values.
func (r Requirement) Equal(x Requirement) bool {
	return r.key == x.key && r.operator == x.operator && slices.Equal(r.values, x.values)
}

// DeepCopy returns an independent copy.
func (r Requirement) DeepCopy() Requirement {
	r.values = slices.Clone(r.values)
	return r
}

// Matches reports whether the labels satisfy the requirement. A missing key
// satisfies != and notin; gt and lt compare values as base-10 integers.
func (r *Requirement) Matches(ls Labels) bool {
	switch r.operator {
	case selection.In, selection.Equals, selection.DoubleEquals:
		v, ok := ls.Lookup(r.key)
		return ok && slices.Contains(r.values, v)
	case selection.NotIn, selection.NotEquals:
		v, ok := ls.Lookup(r.key)
		return !ok || !slices.Contains(r.values, v)
	case selection.Exists:
		return ls.Has(r.key)
	case selection.DoesNotExist:
		return !ls.Has(r.key)
	case selection.GreaterThan, selection.LessThan:
		v, ok := ls.Lookup(r.key)
		if !ok || len(r.values) != 1 {
			return false
		}
		have, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return false
		}
		want, err := strconv.ParseInt(r.values[0], 10, 64)
		if err != nil {
			return false
		}
		if r.operator == selection.GreaterThan {
			return have > want
		}
		return have < want
	}
	return false
}

// String renders the requirement in selector syntax: "k=v", "k!=v",
// "k in (a,b)", "k notin (a)", "k", "!k", "k>1", "k<1"; values sorted.
func (r *Requirement) String() string {
	var b strings.Builder
	if r.operator == selection.DoesNotExist {
		b.WriteByte('!')
	}
	b.WriteString(r.key)
	open, close := "", ""
	switch r.operator {
	case selection.Exists, selection.DoesNotExist:
		return b.String()
	case selection.Equals:
		b.WriteString("=")
	case selection.DoubleEquals:
		b.WriteString("==")
	case selection.NotEquals:
		b.WriteString("!=")
	case selection.In:
		b.WriteString(" in ")
		open, close = "(", ")"
	case selection.NotIn:
		b.WriteString(" notin ")
		open, close = "(", ")"
	case selection.GreaterThan:
		b.WriteString(">")
	case selection.LessThan:
		b.WriteString("<")
	}
	vals := r.values
	if !slices.IsSorted(vals) {
		vals = slices.Sorted(slices.Values(vals))
	}
	b.WriteString(open)
	b.WriteString(strings.Join(vals, ","))
	b.WriteString(close)
	return b.String()
}

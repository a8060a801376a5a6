package json

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// Before encoding/json sees a document, a checker walks the JSON text
// alongside the Go type it will be decoded into. It finds the keys that name
// no field exactly but match one when case is ignored: encoding/json would
// set that field, while Kubernetes decodes case-sensitively and ignores
// them, so such members are cut out of the text first. In strict mode the
// checker also reports, the way Kubernetes' field validation words them,
// every key the type has no field for (`unknown field
// "spec.containers[0].imagePullPolicyy"`, wrongly cased keys included) and
// every key given twice (`duplicate field "replicas"`). Values of types that
// decode themselves (json.Unmarshaler: RawExtension, Time, Quantity, ...)
// are not looked into; values of type any are checked for duplicates only.

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// maxStrictErrors caps the list, as Kubernetes does.
const maxStrictErrors = 100

var planCache sync.Map // reflect.Type -> *plan

// planKind says how the checker treats a JSON value.
type planKind uint8

const (
	// planOpaque values are skipped: scalars, []byte and types that decode
	// themselves (json.Unmarshaler: RawExtension, Time, Quantity, ...).
	planOpaque planKind = iota
	planStruct
	planMap
	planSlice
	planAny
)

// plan is what the checker needs of a Go type, worked out once per type.
type plan struct {
	kind planKind
	// holdsStructs: values can contain a struct that encoding/json fills
	// field by field; only those can meet a wrongly cased key, so a lenient
	// walk skips everything else without looking inside.
	holdsStructs bool
	fields       map[string]*plan // planStruct: by exact JSON name
	names        []string         // planStruct: the JSON names
	elem         *plan            // planMap, planSlice: element values
}

// folds reports whether key names a field when case is ignored.
func (p *plan) folds(key []byte) bool {
	for _, n := range p.names {
		if bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

var anyPlan = &plan{kind: planAny}

// planFor returns the cached plan of t.
func planFor(t reflect.Type) *plan {
	if p, ok := planCache.Load(t); ok {
		return p.(*plan)
	}
	p := buildPlan(t, map[reflect.Type]*plan{})
	planCache.Store(t, p)
	return p
}

// buildPlan compiles t; building holds the plans under construction, so
// recursive types point back at themselves.
func buildPlan(t reflect.Type, building map[reflect.Type]*plan) *plan {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if p, ok := building[t]; ok {
		return p
	}
	if p, ok := planCache.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{}
	building[t] = p
	switch {
	case decodesItself(t):
	case t.Kind() == reflect.Struct:
		p.kind, p.holdsStructs = planStruct, true
		types := map[string]reflect.Type{}
		collectFields(t, 0, types, map[string]int{}, map[reflect.Type]bool{})
		p.fields = make(map[string]*plan, len(types))
		for name, ft := range types {
			p.fields[name] = buildPlan(ft, building)
			p.names = append(p.names, name)
		}
	case t.Kind() == reflect.Map:
		p.kind, p.elem = planMap, buildPlan(t.Elem(), building)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		p.kind, p.elem = planSlice, buildPlan(t.Elem(), building)
	case t.Kind() == reflect.Interface:
		p.kind = planAny
	}
	if p.elem != nil {
		// A recursive element still under construction holds structs.
		p.holdsStructs = p.elem.holdsStructs || p.elem.kind == planStruct
	}
	return p
}

// collectFields adds t's fields, applying Go's rule that a shallower field
// hides a deeper one of the same name.
func collectFields(t reflect.Type, depth int, fields map[string]reflect.Type, depths map[string]int, visiting map[reflect.Type]bool) {
	if visiting[t] {
		return
	}
	visiting[t] = true
	defer delete(visiting, t)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				collectFields(et, depth+1, fields, depths, visiting)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if d, ok := depths[name]; ok && d <= depth {
			continue
		}
		fields[name] = ft
		depths[name] = depth
	}
}

// span is a byte range of the document.
type span struct{ start, end int }

// fieldChecker walks one document.
type fieldChecker struct {
	s      scanner
	strict bool
	errs   []string
	seen   map[string]bool
	path   []byte
	// drops are the members whose keys match a field only when case is ignored.
	drops []span
}

// checkFields walks data as decoded into t. It returns the members to cut
// out before decoding and, when strict is set, the unknown and duplicate
// fields. On malformed JSON it gives up quietly: decoding reports that.
func checkFields(data []byte, t reflect.Type, strict bool) ([]span, []string) {
	if t == nil {
		return nil, nil
	}
	c := &fieldChecker{s: scanner{data: data}, strict: strict}
	c.value(planFor(t), 0)
	if c.s.err != nil {
		return nil, c.errs
	}
	return c.drops, c.errs
}

// checkStrict returns the unknown and duplicate fields of data decoded as t.
func checkStrict(data []byte, t reflect.Type) []string {
	_, errs := checkFields(data, t, true)
	return errs
}

// withoutMembers returns a copy of data without the members in drops
// (given in document order), commas included.
func withoutMembers(data []byte, drops []span) []byte {
	out := make([]byte, 0, len(data))
	last := 0
	for _, d := range drops {
		start, end := d.start, d.end
		// Take the separating comma with the member: the one after it, or
		// else the one before it.
		if i := nextNonSpace(data, end); i < len(data) && data[i] == ',' {
			end = i + 1
		} else if j := prevNonSpace(data, start); j >= last && data[j] == ',' {
			start = j
		}
		out = append(out, data[last:start]...)
		last = end
	}
	return append(out, data[last:]...)
}

func nextNonSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

func prevNonSpace(data []byte, i int) int {
	i--
	for i >= 0 && isSpace(data[i]) {
		i--
	}
	if i < 0 {
		return 0
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (c *fieldChecker) report(kind string, key []byte) {
	if len(c.errs) >= maxStrictErrors {
		return
	}
	p := string(key)
	if len(c.path) > 0 {
		p = string(c.path) + "." + p
	}
	msg := kind + " " + strconv.Quote(p)
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[msg] {
		return
	}
	c.seen[msg] = true
	c.errs = append(c.errs, msg)
}

func (c *fieldChecker) pushKey(key []byte) int {
	n := len(c.path)
	if !c.strict {
		return n
	}
	if n > 0 {
		c.path = append(c.path, '.')
	}
	c.path = append(c.path, key...)
	return n
}

func (c *fieldChecker) pushIndex(i int) int {
	n := len(c.path)
	if !c.strict {
		return n
	}
	c.path = append(c.path, '[')
	c.path = strconv.AppendInt(c.path, int64(i), 10)
	c.path = append(c.path, ']')
	return n
}

// decodesItself reports whether values of t take their JSON as a whole.
func decodesItself(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(jsonUnmarshalerType) || (t.Kind() != reflect.String && pt.Implements(textUnmarshalerType))
}

// value checks the next JSON value against plan p.
func (c *fieldChecker) value(p *plan, depth int) {
	s := &c.s
	if depth > maxDepth {
		s.fail()
		return
	}
	if !c.strict && !p.holdsStructs {
		s.skipValue(depth)
		return
	}
	switch s.peek() {
	case '{':
		switch p.kind {
		case planStruct:
			c.object(p, nil, depth)
		case planMap:
			c.object(nil, p.elem, depth)
		case planAny:
			c.object(nil, p, depth)
		default:
			s.skipValue(depth)
		}
	case '[':
		elem := p.elem
		switch p.kind {
		case planAny:
			elem = p
		case planSlice:
		default:
			s.skipValue(depth)
			return
		}
		s.arrayItems(func(i int) {
			n := c.pushIndex(i)
			c.value(elem, depth+1)
			c.path = c.path[:n]
		})
	default:
		s.skipValue(depth)
	}
}

// object checks an object: against struct fields when st is non-nil, else
// as a map whose values have plan elem.
func (c *fieldChecker) object(st *plan, elem *plan, depth int) {
	var keys map[string]bool
	c.s.objectKeys(func(key []byte, start int) {
		if c.strict {
			if keys == nil {
				keys = map[string]bool{}
			}
			if keys[string(key)] {
				c.report("duplicate field", key)
			}
			keys[string(key)] = true
		}
		vp := elem
		if st != nil {
			fp, ok := st.fields[string(key)]
			if !ok {
				if c.strict {
					c.report("unknown field", key)
				}
				folded := st.folds(key)
				c.s.skipValue(depth + 1)
				if folded {
					c.drops = append(c.drops, span{start, c.s.pos})
				}
				return
			}
			vp = fp
		}
		n := c.pushKey(key)
		c.value(vp, depth+1)
		c.path = c.path[:n]
	})
}

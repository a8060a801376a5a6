package json

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// The strict check walks the JSON text alongside the Go type the object was
// decoded into and reports, the way Kubernetes' field validation words
// them, every key the type has no field for (`unknown field
// "spec.containers[0].imagePullPolicyy"`) and every key given twice
// (`duplicate field "replicas"`). Keys match field names exactly (case
// sensitive). Values of types that decode themselves (json.Unmarshaler:
// RawExtension, Time, Quantity, ...) are not looked into; values of type
// any are checked for duplicates only.

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// maxStrictErrors caps the list, as Kubernetes does.
const maxStrictErrors = 100

// jsonFields maps the JSON names of a struct's fields (embedded structs
// flattened) to their types.
type jsonFields map[string]reflect.Type

var fieldCache sync.Map // reflect.Type -> jsonFields

func fieldsOf(t reflect.Type) jsonFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(jsonFields)
	}
	fields := jsonFields{}
	depths := map[string]int{}
	collectFields(t, 0, fields, depths, map[reflect.Type]bool{})
	fieldCache.Store(t, fields)
	return fields
}

// collectFields adds t's fields, applying Go's rule that a shallower field
// hides a deeper one of the same name.
func collectFields(t reflect.Type, depth int, fields jsonFields, depths map[string]int, visiting map[reflect.Type]bool) {
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

// strictChecker collects the strict errors of one document.
type strictChecker struct {
	s    scanner
	errs []string
	seen map[string]bool
	path []byte
}

// checkStrict returns the unknown and duplicate fields of data decoded as t.
func checkStrict(data []byte, t reflect.Type) []string {
	c := &strictChecker{s: scanner{data: data}}
	c.value(t, 0)
	return c.errs
}

func (c *strictChecker) report(kind, key string) {
	if len(c.errs) >= maxStrictErrors {
		return
	}
	p := key
	if len(c.path) > 0 {
		p = string(c.path) + "." + key
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

func (c *strictChecker) pushKey(key string) int {
	n := len(c.path)
	if n > 0 {
		c.path = append(c.path, '.')
	}
	c.path = append(c.path, key...)
	return n
}

func (c *strictChecker) pushIndex(i int) int {
	n := len(c.path)
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

// value checks the next JSON value against type t.
func (c *strictChecker) value(t reflect.Type, depth int) {
	s := &c.s
	if depth > maxDepth {
		s.fail()
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if decodesItself(t) {
		s.skipValue(depth)
		return
	}
	switch s.peek() {
	case '{':
		switch t.Kind() {
		case reflect.Struct:
			c.object(fieldsOf(t), nil, depth)
		case reflect.Map:
			c.object(nil, t.Elem(), depth)
		case reflect.Interface:
			c.object(nil, t, depth)
		default:
			s.skipValue(depth)
		}
	case '[':
		switch t.Kind() {
		case reflect.Slice, reflect.Array:
			if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
				s.skipValue(depth)
				return
			}
			elem := t.Elem()
			s.arrayItems(func(i int) {
				n := c.pushIndex(i)
				c.value(elem, depth+1)
				c.path = c.path[:n]
			})
		case reflect.Interface:
			s.arrayItems(func(i int) {
				n := c.pushIndex(i)
				c.value(t, depth+1)
				c.path = c.path[:n]
			})
		default:
			s.skipValue(depth)
		}
	default:
		s.skipValue(depth)
	}
}

// object checks an object: against struct fields when fields is non-nil,
// else as a map whose values have type elem.
func (c *strictChecker) object(fields jsonFields, elem reflect.Type, depth int) {
	var keys map[string]bool
	c.s.objectKeys(func(key string) {
		if keys == nil {
			keys = map[string]bool{}
		}
		if keys[key] {
			c.report("duplicate field", key)
		}
		keys[key] = true
		vt := elem
		if fields != nil {
			ft, ok := fields[key]
			if !ok {
				c.report("unknown field", key)
				c.s.skipValue(depth + 1)
				return
			}
			vt = ft
		}
		n := c.pushKey(key)
		c.value(vt, depth+1)
		c.path = c.path[:n]
	})
}

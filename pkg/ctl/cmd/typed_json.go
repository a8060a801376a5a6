package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/typeschema"
)

// Objects kubectl reads through its typed clients print in Go struct field
// order and with every zero creationTimestamp of a nested object as null
// ("creationTimestamp": null in a pod template). typedJSON reproduces that
// encoding from a decoded object and its Go type.

// typedJSON encodes obj as a value of Go type t would be by kubectl: struct
// field order, and "creationTimestamp": null in object metadata lacking
// one. A nil t keeps obj's own (sorted) order.
func typedJSON(obj map[string]any, t reflect.Type) ([]byte, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return raw, nil
	}
	v := reflect.New(t)
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", t.Name(), err)
	}
	if raw, err = json.Marshal(v.Interface()); err != nil {
		return nil, err
	}
	n, err := parseOrdered(raw)
	if err != nil {
		return nil, err
	}
	nullCreationTimestamps(n, t)
	var out bytes.Buffer
	n.encode(&out)
	return out.Bytes(), nil
}

// orderedNode is a JSON value that keeps its object members in order.
type orderedNode struct {
	keys   []string       // object member names
	vals   []*orderedNode // object member values, or array elements
	object bool
	array  bool
	scalar []byte // encoded scalar
}

func parseOrdered(data []byte) (*orderedNode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return parseValue(dec)
}

func parseValue(dec *json.Decoder) (*orderedNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	n := &orderedNode{}
	switch t := tok.(type) {
	case json.Delim:
		n.object, n.array = t == '{', t == '['
		for dec.More() {
			if n.object {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := k.(string)
				n.keys = append(n.keys, key)
			}
			v, err := parseValue(dec)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		if _, err := dec.Token(); err != nil { // closing delimiter
			return nil, err
		}
	case json.Number:
		n.scalar = []byte(t.String())
	default:
		// Strings, booleans and null re-encode to what encoding/json wrote.
		if n.scalar, err = json.Marshal(t); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (n *orderedNode) encode(w io.Writer) {
	switch {
	case n.object:
		io.WriteString(w, "{")
		for i, k := range n.keys {
			if i > 0 {
				io.WriteString(w, ",")
			}
			b, _ := json.Marshal(k)
			w.Write(b)
			io.WriteString(w, ":")
			n.vals[i].encode(w)
		}
		io.WriteString(w, "}")
	case n.array:
		io.WriteString(w, "[")
		for i, v := range n.vals {
			if i > 0 {
				io.WriteString(w, ",")
			}
			v.encode(w)
		}
		io.WriteString(w, "]")
	default:
		w.Write(n.scalar)
	}
}

var objectMetaType = reflect.TypeOf(metav1.ObjectMeta{})

// objectMetaOrder is the position of each ObjectMeta member in its struct.
var objectMetaOrder = func() map[string]int {
	order := map[string]int{}
	for i := 0; i < objectMetaType.NumField(); i++ {
		name, _, _ := strings.Cut(objectMetaType.Field(i).Tag.Get("json"), ",")
		order[name] = i
	}
	return order
}()

// nullCreationTimestamps walks n as a value of type t and gives every
// ObjectMeta without a creationTimestamp a null one, in field order.
func nullCreationTimestamps(n *orderedNode, t reflect.Type) {
	t = typeschema.Deref(t)
	if t == nil {
		return
	}
	switch {
	case n.array:
		for _, v := range n.vals {
			nullCreationTimestamps(v, typeschema.Elem(t))
		}
	case n.object && t == objectMetaType:
		at := len(n.keys)
		for i, k := range n.keys {
			if k == "creationTimestamp" {
				return
			}
			if objectMetaOrder[k] > objectMetaOrder["creationTimestamp"] && i < at {
				at = i
			}
		}
		n.keys = append(n.keys[:at], append([]string{"creationTimestamp"}, n.keys[at:]...)...)
		n.vals = append(n.vals[:at], append([]*orderedNode{{scalar: []byte("null")}}, n.vals[at:]...)...)
	case n.object && (t.Kind() == reflect.Struct || t.Kind() == reflect.Map):
		for i, k := range n.keys {
			nullCreationTimestamps(n.vals[i], typeschema.Lookup(t, k).Type)
		}
	}
}

package json

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"sigs.k8s.io/yaml"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// Options choose the flavour of a Serializer.
type Options struct {
	// Yaml reads and writes YAML instead of JSON.
	Yaml bool
	// Pretty indents JSON output by two spaces.
	Pretty bool
	// Strict makes Decode also return a *runtime.StrictDecodingError listing
	// unknown and duplicate fields, together with the decoded object.
	Strict bool
}

// Serializer reads and writes objects as JSON (or YAML) through a scheme.
type Serializer struct {
	scheme *runtime.Scheme
	opts   Options
}

var _ runtime.Serializer = (*Serializer)(nil)

// NewSerializer returns a JSON or YAML serializer of scheme.
func NewSerializer(scheme *runtime.Scheme, opts Options) *Serializer {
	return &Serializer{scheme: scheme, opts: opts}
}

// Encode writes obj followed by a newline. apiVersion and kind are filled
// from the scheme when obj's TypeMeta is empty; obj itself is not changed.
func (s *Serializer) Encode(obj runtime.Object, w io.Writer) error {
	obj, err := s.withKind(obj)
	if err != nil {
		return err
	}
	switch {
	case s.opts.Yaml:
		js, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		y, err := yaml.JSONToYAML(js)
		if err != nil {
			return err
		}
		_, err = w.Write(y)
		return err
	case s.opts.Pretty:
		b, err := json.MarshalIndent(obj, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	default:
		return json.NewEncoder(w).Encode(obj)
	}
}

// withKind returns obj, or a shallow copy of it with apiVersion and kind
// set when obj leaves them empty and the scheme knows its type.
func (s *Serializer) withKind(obj runtime.Object) (runtime.Object, error) {
	if obj == nil {
		return nil, errors.New("json: cannot encode a nil object")
	}
	if u, ok := obj.(*runtime.Unknown); ok {
		return &rawObject{u}, nil
	}
	if s.scheme == nil || !obj.GetObjectKind().GroupVersionKind().Empty() {
		return obj, nil
	}
	gvk, err := s.scheme.ObjectKind(obj)
	if err != nil {
		if runtime.IsNotRegisteredError(err) {
			return obj, nil
		}
		return nil, err
	}
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return obj, nil
	}
	cp := reflect.New(v.Type().Elem())
	cp.Elem().Set(v.Elem())
	out := cp.Interface().(runtime.Object)
	out.GetObjectKind().SetGroupVersionKind(gvk)
	return out, nil
}

// rawObject writes an Unknown's raw bytes as they are.
type rawObject struct{ *runtime.Unknown }

func (r *rawObject) MarshalJSON() ([]byte, error) { return r.Raw, nil }

// Decode reads one object. The kind comes from the data's apiVersion and
// kind, with defaults filling what they leave empty. into is used when it
// has that kind (or is not registered); a *runtime.Unknown receives the raw
// JSON. Otherwise the object is created through the scheme. The object's
// TypeMeta is set to the kind decoded. In strict mode a
// *runtime.StrictDecodingError comes back with the object when the data has
// unknown or duplicate fields.
func (s *Serializer) Decode(data []byte, defaults *schema.GroupVersionKind, into runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	var yamlErr error
	if s.opts.Yaml {
		if s.opts.Strict {
			// Duplicate keys vanish in the conversion to JSON; the strict
			// converter reports them first, as Kubernetes does.
			_, yamlErr = yaml.YAMLToJSONStrict(data)
		}
		js, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, nil, fmt.Errorf("yaml: %w", err)
		}
		data = js
	}
	data = bytes.TrimSpace(data)
	apiVersion, kind, err := typeMeta(data)
	if err != nil {
		return nil, nil, fmt.Errorf("json: cannot read the object's kind: %w", err)
	}
	actual := schema.FromAPIVersionAndKind(apiVersion, kind)
	fillKind(&actual, defaults)

	if u, ok := into.(*runtime.Unknown); ok && u != nil {
		u.Raw = append(u.Raw[:0], data...)
		u.ContentEncoding = ""
		u.ContentType = runtime.ContentTypeJSON
		u.SetGroupVersionKind(actual)
		return u, &actual, nil
	}

	obj, err := s.target(&actual, into, data)
	if err != nil {
		return nil, &actual, err
	}
	errs, err := unmarshalCaseSensitive(data, obj, s.opts.Strict)
	if err != nil {
		return nil, &actual, fmt.Errorf("json: decode %s: %w", actual.Kind, err)
	}
	obj.GetObjectKind().SetGroupVersionKind(actual)
	if s.opts.Strict {
		if yamlErr != nil {
			errs = append([]string{yamlErr.Error()}, errs...)
		}
		if len(errs) > 0 {
			return obj, &actual, &runtime.StrictDecodingError{Errors: errs}
		}
	}
	return obj, &actual, nil
}

// target picks the object to decode into.
func (s *Serializer) target(actual *schema.GroupVersionKind, into runtime.Object, data []byte) (runtime.Object, error) {
	if into != nil {
		kinds, err := s.scheme.ObjectKinds(into)
		switch {
		case runtime.IsNotRegisteredError(err):
			return into, nil
		case err != nil:
			return nil, err
		}
		fillKind(actual, &kinds[0])
		for _, k := range kinds {
			if k == *actual {
				return into, nil
			}
		}
	}
	if actual.Kind == "" {
		return nil, fmt.Errorf("Object 'Kind' is missing in '%s'", truncate(data))
	}
	if actual.Version == "" {
		return nil, fmt.Errorf("Object 'apiVersion' is missing in '%s'", truncate(data))
	}
	return s.scheme.New(*actual)
}

func truncate(b []byte) []byte {
	if len(b) > 256 {
		return append(b[:256:256], "..."...)
	}
	return b
}

// fillKind fills the empty parts of gvk from defaults.
func fillKind(gvk *schema.GroupVersionKind, defaults *schema.GroupVersionKind) {
	if defaults == nil {
		return
	}
	if gvk.Kind == "" {
		gvk.Kind = defaults.Kind
	}
	if gvk.Version == "" && gvk.Group == "" {
		gvk.Group, gvk.Version = defaults.Group, defaults.Version
	}
}

// Unmarshal decodes data into v like encoding/json, except that keys match
// field names case-sensitively, as in Kubernetes (a key that differs from a
// field's name only in case is an unknown field). When strict is set it
// also returns a *runtime.StrictDecodingError for unknown and duplicate
// fields (after decoding v completely). For request bodies that are not
// kinds, such as patches of a known type.
func Unmarshal(data []byte, v any, strict bool) error {
	errs, err := unmarshalCaseSensitive(data, v, strict)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return &runtime.StrictDecodingError{Errors: errs}
	}
	return nil
}

// unmarshalCaseSensitive decodes data into v without the members whose keys
// match a field only when case is ignored, and returns the strict errors
// when strict is set.
func unmarshalCaseSensitive(data []byte, v any, strict bool) ([]string, error) {
	drops, errs := checkFields(data, reflect.TypeOf(v), strict)
	if len(drops) > 0 {
		data = withoutMembers(data, drops)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return errs, nil
}

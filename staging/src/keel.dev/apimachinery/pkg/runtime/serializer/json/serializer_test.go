package json

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

func testScheme(t testing.TB) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := metav1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	metav1.AddToGroupVersion(s, schema.GroupVersion{Group: "apps", Version: "v1"})
	return s
}

func TestDecodeCreatesTheKindAndSetsTypeMeta(t *testing.T) {
	s := NewSerializer(testScheme(t), Options{})
	obj, gvk, err := s.Decode([]byte(`{"kind":"DeleteOptions","apiVersion":"apps/v1","propagationPolicy":"Background"}`), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts, ok := obj.(*metav1.DeleteOptions)
	if !ok || *opts.PropagationPolicy != metav1.DeletePropagationBackground {
		t.Fatalf("decoded %#v", obj)
	}
	if want := (schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DeleteOptions"}); *gvk != want || opts.GroupVersionKind() != want {
		t.Errorf("kind %v, TypeMeta %+v", gvk, opts.TypeMeta)
	}
}

func TestDecodeUsesDefaultsAndTarget(t *testing.T) {
	s := NewSerializer(testScheme(t), Options{})
	t.Run("a body without a kind takes the default", func(t *testing.T) {
		obj, _, err := s.Decode([]byte(`{"propagationPolicy":"Orphan"}`), &schema.GroupVersionKind{Version: "v1", Group: "apps", Kind: "DeleteOptions"}, nil)
		if err != nil || *obj.(*metav1.DeleteOptions).PropagationPolicy != metav1.DeletePropagationOrphan {
			t.Fatalf("Decode = %v, %v", obj, err)
		}
	})
	t.Run("a body without a kind decodes into a registered target", func(t *testing.T) {
		into := &metav1.DeleteOptions{}
		obj, _, err := s.Decode([]byte(`{"dryRun":["All"]}`), nil, into)
		if err != nil || obj != into || into.DryRun[0] != "All" {
			t.Fatalf("Decode = %v, %v", obj, err)
		}
	})
	t.Run("a body without a kind and no default is an error", func(t *testing.T) {
		_, _, err := s.Decode([]byte(`{"a":1}`), nil, nil)
		if err == nil || !strings.Contains(err.Error(), "Kind") {
			t.Fatalf("Decode error = %v", err)
		}
	})
	t.Run("a runtime.Unknown keeps the raw bytes", func(t *testing.T) {
		var u runtime.Unknown
		if _, _, err := s.Decode([]byte(` {"kind":"X","apiVersion":"v9"} `), nil, &u); err != nil {
			t.Fatal(err)
		}
		if string(u.Raw) != `{"kind":"X","apiVersion":"v9"}` || u.Kind != "X" || u.ContentType != runtime.ContentTypeJSON {
			t.Errorf("Unknown = %+v", u)
		}
	})
	t.Run("malformed JSON is an error", func(t *testing.T) {
		if _, _, err := s.Decode([]byte(`{"kind":"Status","apiVersion":"v1","code":"x"}`), nil, nil); err == nil {
			t.Fatal("no error for a string code")
		}
		if _, _, err := s.Decode([]byte(`[1]`), nil, nil); err == nil {
			t.Fatal("no error for an array")
		}
	})
}

func TestEncodeFillsKindWithoutChangingTheObject(t *testing.T) {
	s := NewSerializer(testScheme(t), Options{})
	st := &metav1.Status{Status: metav1.StatusFailure, Code: 404}
	var buf bytes.Buffer
	if err := s.Encode(st, &buf); err != nil {
		t.Fatal(err)
	}
	if want := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","code":404}` + "\n"; buf.String() != want {
		t.Errorf("Encode = %s, want %s", buf.String(), want)
	}
	if st.Kind != "" {
		t.Errorf("Encode changed the object's TypeMeta to %+v", st.TypeMeta)
	}
	buf.Reset()
	y := NewSerializer(testScheme(t), Options{Yaml: true})
	if err := y.Encode(st, &buf); err != nil {
		t.Fatal(err)
	}
	if want := "apiVersion: v1\ncode: 404\nkind: Status\nmetadata: {}\nstatus: Failure\n"; buf.String() != want {
		t.Errorf("YAML Encode = %q, want %q", buf.String(), want)
	}
}

// strictSample exercises the shapes the strict check walks.
type strictSample struct {
	metav1.TypeMeta `json:",inline"`
	Meta            metav1.ObjectMeta     `json:"metadata"`
	Items           []strictItem          `json:"items"`
	ByName          map[string]strictItem `json:"byName"`
	Free            map[string]any        `json:"free"`
	Raw             runtime.RawExtension  `json:"raw"`
	Ptr             *strictItem           `json:"ptr"`
}

type strictItem struct {
	Name   string `json:"name"`
	Nested struct {
		Value int `json:"value"`
	} `json:"nested"`
}

func (s *strictSample) DeepCopyObject() runtime.Object { c := *s; return &c }

func TestStrictDecodingReportsEveryUnknownAndDuplicateField(t *testing.T) {
	s := NewSerializer(runtime.NewScheme(), Options{Strict: true})
	data := `{"kind":"X","apiVersion":"v1",
		"metadata":{"name":"a","nmae":"b","labels":{"k":"1","k":"2"}},
		"items":[{"name":"x"},{"name":"y","extra":1,"nested":{"value":1,"valu":2}}],
		"byName":{"a":{"bogus":true}},
		"free":{"anything":{"goes":1},"anything":2},
		"raw":{"not":"checked"},
		"ptr":{"Name":"case matters"},
		"top":1,"top":2,"items":[]}`
	into := &strictSample{}
	obj, _, err := s.Decode([]byte(data), nil, into)
	var strict *runtime.StrictDecodingError
	if !errors.As(err, &strict) {
		t.Fatalf("Decode error = %v, want a StrictDecodingError", err)
	}
	if obj != into || into.Meta.Name != "a" {
		t.Errorf("the object must be decoded despite strict errors: %+v", obj)
	}
	want := []string{
		`unknown field "metadata.nmae"`,
		`duplicate field "metadata.labels.k"`,
		`unknown field "items[1].extra"`,
		`unknown field "items[1].nested.valu"`,
		`unknown field "byName.a.bogus"`,
		`duplicate field "free.anything"`,
		`unknown field "ptr.Name"`,
		`unknown field "top"`,
		`duplicate field "top"`,
		`duplicate field "items"`,
	}
	if !reflect.DeepEqual(strict.Errors, want) {
		t.Errorf("strict errors:\n got %q\nwant %q", strict.Errors, want)
	}
	if !strings.HasPrefix(err.Error(), `strict decoding error: unknown field "metadata.nmae", duplicate field`) {
		t.Errorf("message = %s", err)
	}
}

func TestStrictDecodingOfCleanDataReturnsNoError(t *testing.T) {
	s := NewSerializer(testScheme(t), Options{Strict: true, Yaml: true})
	_, _, err := s.Decode([]byte("kind: DeleteOptions\napiVersion: meta.k8s.io/v1\ndryRun: [All]\npreconditions: {uid: x}\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnmarshalStrict(t *testing.T) {
	var item strictItem
	err := Unmarshal([]byte(`{"name":"a","nested":{"x":1}}`), &item, true)
	var strict *runtime.StrictDecodingError
	if !errors.As(err, &strict) || len(strict.Errors) != 1 || strict.Errors[0] != `unknown field "nested.x"` || item.Name != "a" {
		t.Fatalf("Unmarshal = %v, %+v", err, item)
	}
	if err := Unmarshal([]byte(`{"name":"a","nested":{"x":1}}`), &item, false); err != nil {
		t.Fatalf("non-strict Unmarshal = %v", err)
	}
}

func FuzzYAMLDecode(f *testing.F) {
	f.Add([]byte("kind: DeleteOptions\napiVersion: v1\ngracePeriodSeconds: 3\n"))
	f.Add([]byte("apiVersion: meta.k8s.io/v1\nkind: PartialObjectMetadata\nmetadata:\n  name: x\n  labels: {a: b}\n  creationTimestamp: 2024-01-01T00:00:00Z\n"))
	f.Add([]byte("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"details\":{\"causes\":[{}]}}"))
	f.Add([]byte("- a\n- b: [c, {d: e}]\n"))
	f.Add([]byte("&a x: *a\n"))
	scheme := testScheme(f)
	strict := NewSerializer(scheme, Options{Yaml: true, Strict: true})
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, _, err := strict.Decode(data, &schema.GroupVersionKind{Group: "meta.k8s.io", Version: "v1", Kind: "PartialObjectMetadata"}, nil)
		var se *runtime.StrictDecodingError
		if err == nil || errors.As(err, &se) {
			if obj == nil {
				t.Fatal("no object with a nil or strict error")
			}
			// What decodes must encode.
			if err := strict.Encode(obj, &bytes.Buffer{}); err != nil {
				t.Fatalf("re-encode: %v", err)
			}
		}
	})
}

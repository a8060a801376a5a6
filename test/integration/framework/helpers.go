package framework

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"keel.dev/api/install"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer"
)

// Codecs are the serializers of every Keel kind, for building protobuf
// bodies and reading protobuf answers.
var Codecs = serializer.NewCodecFactory(install.NewScheme())

// Protobuf encodes obj as a Kubernetes protobuf body (k8s\0 envelope).
func Protobuf(t testing.TB, obj runtime.Object) []byte {
	t.Helper()
	info, ok := Codecs.SerializerForMediaType(runtime.ContentTypeProtobuf)
	if !ok {
		t.Fatal("no protobuf serializer")
	}
	var buf bytes.Buffer
	if err := info.Serializer.Encode(obj, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// DecodeProtobuf decodes a protobuf answer into an object of its kind.
func DecodeProtobuf(t testing.TB, body []byte) runtime.Object {
	t.Helper()
	obj, _, err := Codecs.UniversalDeserializer().Decode(body, nil, nil)
	if err != nil {
		t.Fatalf("decode protobuf: %v", err)
	}
	return obj
}

// JSON marshals v or fails t.
func JSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Object decodes a JSON answer into a map.
func (r Response) Object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("decode JSON answer (HTTP %d): %v: %.300s", r.Code, err, r.Body)
	}
	return m
}

// Field walks a dotted path ("metadata.resourceVersion") through decoded
// JSON; numbers index arrays are not supported, use Items for lists.
func Field(obj map[string]any, path string) any {
	var cur any = obj
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// String is Field as a string ("" when absent or not a string).
func String(obj map[string]any, path string) string {
	s, _ := Field(obj, path).(string)
	return s
}

// Items returns the items of a decoded list.
func Items(obj map[string]any) []map[string]any {
	raw, _ := obj["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// Create POSTs a JSON body to path and expects 201.
func (s *TestServer) Create(t testing.TB, path string, obj any) map[string]any {
	t.Helper()
	resp := s.Do(t, Request{Method: http.MethodPost, Path: path, Body: JSON(t, obj)})
	Expect(t, resp, http.StatusCreated, "POST "+path)
	return resp.Object(t)
}

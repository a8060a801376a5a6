package roundtrip

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer/protobuf"
)

func TestProtobufMatchesKubernetesBytes(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.what+" encodes to Kubernetes' protobuf bytes", func(t *testing.T) {
			// Decode the compact form: managedFields keep their raw JSON
			// bytes, and Kubernetes' fixture was made from compact JSON.
			var compact bytes.Buffer
			if err := json.Compact(&compact, readFixture(t, f.name+".json")); err != nil {
				t.Fatal(err)
			}
			obj := decodeStrict(t, serializer(t, false, true), compact.Bytes())
			got, err := protobuf.Marshal(obj)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			want := readFixture(t, f.name+".pb")
			if !bytes.Equal(got, want) {
				t.Fatalf("protobuf differs at byte %d of %d (got %d bytes)\nwant %s\ngot  %s",
					firstDiff(got, want), len(want), len(got), hexAround(want, firstDiff(got, want)), hexAround(got, firstDiff(got, want)))
			}
		})
		t.Run(f.what+" decodes from Kubernetes' protobuf bytes", func(t *testing.T) {
			obj := reflect.New(reflect.TypeOf(f.want).Elem()).Interface().(runtime.Object)
			if err := protobuf.Unmarshal(readFixture(t, f.name+".pb"), obj); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			// The bare message has no apiVersion and kind; the JSON encoder
			// fills them in for the top-level object only.
			want := readFixture(t, f.name+".json")
			if f.name == "statefulset" {
				want = withoutTemplateTypeMeta(t, want)
			}
			requireSameJSON(t, want, encodeJSON(t, obj))
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func hexAround(b []byte, i int) string {
	lo, hi := max(0, i-16), min(len(b), i+16)
	return hex.EncodeToString(b[lo:i]) + "|" + hex.EncodeToString(b[i:hi])
}

// withoutTemplateTypeMeta drops apiVersion and kind from a StatefulSet's
// volume claim templates: embedded TypeMeta has no protobuf field, so
// Kubernetes loses it in protobuf exactly the same way.
func withoutTemplateTypeMeta(t *testing.T, data []byte) []byte {
	t.Helper()
	var obj map[string]any
	if err := json.Unmarshal(data, &obj); err != nil {
		t.Fatal(err)
	}
	spec, _ := obj["spec"].(map[string]any)
	templates, _ := spec["volumeClaimTemplates"].([]any)
	if len(templates) == 0 {
		t.Fatal("fixture has no volume claim templates")
	}
	for _, tmpl := range templates {
		m := tmpl.(map[string]any)
		delete(m, "apiVersion")
		delete(m, "kind")
	}
	out, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

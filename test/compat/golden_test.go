package compat

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	keelproto "keel.dev/apimachinery/pkg/runtime/serializer/protobuf"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// gogoMessage is what Kubernetes' generated protobuf types implement.
type gogoMessage interface {
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

// toKeel converts a Kubernetes object into Keel's type through JSON,
// failing on JSON fields Keel's type does not have.
func toKeel(t testing.TB, k8s any, keel any) []byte {
	t.Helper()
	js, err := json.Marshal(k8s)
	if err != nil {
		t.Fatalf("marshal the Kubernetes object to JSON: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(keel); err != nil {
		t.Fatalf("decode Kubernetes JSON into %T: %v\nJSON: %.2000s", keel, err, js)
	}
	return js
}

// requireSameJSON compares two JSON documents semantically.
func requireSameJSON(t *testing.T, what string, want, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: bad JSON %s: %v", what, want, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: bad JSON %s: %v", what, got, err)
	}
	if d := cmp.Diff(w, g); d != "" {
		t.Errorf("%s: JSON differs (-Kubernetes +Keel):\n%s", what, d)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T to JSON: %v", v, err)
	}
	return b
}

// checkMessage verifies a bare message both ways: Keel's encoding of the
// same object is byte-identical to Kubernetes' Marshal, Keel decodes
// Kubernetes' bytes and Kubernetes decodes Keel's to the same JSON. It
// returns Keel's bytes.
func checkMessage(t *testing.T, k8s gogoMessage, keel any) []byte {
	t.Helper()
	want, err := k8s.Marshal()
	if err != nil {
		t.Fatalf("Kubernetes Marshal: %v", err)
	}
	k8sJSON := toKeel(t, k8s, keel)
	requireSameJSON(t, "Keel's JSON of the converted object", k8sJSON, mustJSON(t, keel))

	got, err := keelproto.Marshal(keel)
	if err != nil {
		t.Fatalf("Keel Marshal: %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%T: protobuf differs from Kubernetes (%d vs %d bytes):\n%s", keel, len(want), len(got), protoDiff(want, got))
	}

	fresh := reflect.New(reflect.TypeOf(keel).Elem()).Interface()
	if err := keelproto.Unmarshal(want, fresh); err != nil {
		t.Fatalf("Keel Unmarshal of Kubernetes' bytes: %v", err)
	}
	requireSameJSON(t, "Keel decoding Kubernetes' bytes", k8sJSON, mustJSON(t, fresh))

	back := reflect.New(reflect.TypeOf(k8s).Elem()).Interface().(gogoMessage)
	if err := back.Unmarshal(got); err != nil {
		t.Fatalf("Kubernetes Unmarshal of Keel's bytes: %v", err)
	}
	requireSameJSON(t, "Kubernetes decoding Keel's bytes", k8sJSON, mustJSON(t, back))
	return got
}

// checkGoldenFile compares b with testdata/name, or rewrites it with -update.
func checkGoldenFile(t *testing.T, name string, b []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -run %s -update to create it): %v", t.Name(), err)
	}
	if !bytes.Equal(want, b) {
		t.Errorf("%s differs from the golden file:\n%s", path, protoDiff(want, b))
	}
}

func ptr[T any](v T) *T { return &v }

// describe names a value for failure messages.
func describe(v any) string { return fmt.Sprintf("%T", v) }

package roundtrip

import (
	"encoding/json"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	kjson "keel.dev/apimachinery/pkg/runtime/serializer/json"
)

// Regression tests for two former differences from Kubernetes.

// Kubernetes tags ObjectMeta.CreationTimestamp
// `json:"creationTimestamp,omitempty,omitzero"`, so an unset time is left out
// (e.g. in volume claim templates) rather than written as null.
func TestCreationTimestampIsOmittedWhenZero(t *testing.T) {
	b, err := json.Marshal(metav1.ObjectMeta{Name: "x"})
	if err != nil || string(b) != `{"name":"x"}` {
		t.Fatalf("got %s, %v", b, err)
	}
}

// Kubernetes decodes JSON case-sensitively: a key such as "Name" is an
// unknown field and does not set name (encoding/json alone would set it).
func TestJSONKeysAreCaseSensitive(t *testing.T) {
	var v struct {
		Name string `json:"name"`
	}
	if err := kjson.Unmarshal([]byte(`{"Name":"x"}`), &v, false); err != nil || v.Name != "" {
		t.Fatalf("a wrongly cased key set the field: %+v, %v", v, err)
	}
}

package json

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
)

type caseInner struct {
	Image  string `json:"image"`
	Policy string `json:"imagePullPolicy"`
}

type caseOuter struct {
	Name   string               `json:"name"`
	Items  []caseInner          `json:"items"`
	ByName map[string]caseInner `json:"byName"`
	Labels map[string]string    `json:"labels"`
	Any    any                  `json:"any"`
}

func TestUnmarshalMatchesKeysCaseSensitively(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want caseOuter
	}{
		{name: "a wrongly cased top-level key sets nothing",
			doc: `{"Name":"x"}`, want: caseOuter{}},
		{name: "an exact key wins over a wrongly cased one before it",
			doc: `{"NAME":"a","name":"b"}`, want: caseOuter{Name: "b"}},
		{name: "an exact key is kept when a wrongly cased one follows it",
			doc: `{"name":"b", "nAme" : "c" }`, want: caseOuter{Name: "b"}},
		{name: "wrongly cased keys inside list items and map values are ignored",
			doc:  `{"items":[{"image":"i","ImagePullPolicy":"Always"},{"Image":"j"}],"byName":{"k":{"IMAGE":"x","imagePullPolicy":"Never"}}}`,
			want: caseOuter{Items: []caseInner{{Image: "i"}, {}}, ByName: map[string]caseInner{"k": {Policy: "Never"}}}},
		{name: "map keys and free-form values keep their case",
			doc:  `{"labels":{"App":"web"},"any":{"Name":1}}`,
			want: caseOuter{Labels: map[string]string{"App": "web"}, Any: map[string]any{"Name": float64(1)}}},
		{name: "escaped keys are compared after unescaping",
			doc: `{"n\u0061me":"e","N\u0061me":"f"}`, want: caseOuter{Name: "e"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got caseOuter
			if err := Unmarshal([]byte(tc.doc), &got, false); err != nil {
				t.Fatal(err)
			}
			if !equalJSON(t, got, tc.want) {
				t.Errorf("decoded %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestStrictUnmarshalReportsWronglyCasedKeysAsUnknown(t *testing.T) {
	var got caseOuter
	err := Unmarshal([]byte(`{"name":"n","items":[{"Image":"i"}]}`), &got, true)
	var se *runtime.StrictDecodingError
	if !errors.As(err, &se) || err.Error() != `strict decoding error: unknown field "items[0].Image"` {
		t.Fatalf("error = %v", err)
	}
	if got.Name != "n" || got.Items[0].Image != "" {
		t.Errorf("decoded %+v", got)
	}
}

func TestWithoutMembersKeepsTheJSONValid(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"a first member takes its comma", `{"A":1,"b":2}`, `{"b":2}`},
		{"a last member takes the comma before it", `{"b":2, "A":[1,{"x":2}] }`, `{"b":2 }`},
		{"the only member leaves an empty object", `{ "A":{"b":1} }`, `{  }`},
		{"all members go", `{"A":1,"B":2}`, `{}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			type v struct {
				LowA int `json:"a"`
				LowB int `json:"b"`
			}
			drops, _ := checkFields([]byte(tc.doc), reflectTypeOf[v](), false)
			if got := string(withoutMembers([]byte(tc.doc), drops)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func reflectTypeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// equalJSON compares two values by their JSON encoding.
func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

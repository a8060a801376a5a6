package yaml

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitDocuments(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"a single document without separators", "a: 1\n", []string{"a: 1\n"}},
		{"leading comments and a leading separator are skipped",
			"# deploy.yaml\n---\na: 1\n---\nb: 2", []string{"a: 1\n", "b: 2\n"}},
		{"empty and comment-only documents are dropped",
			"---\n---\n# nothing\n\n---   # note\nc: 3\n...\n---\n", []string{"c: 3\n...\n"}},
		{"a separator with text after a space starts the document", "--- {d: 4}\n", []string{"{d: 4}\n"}},
		{"lines that only start with dashes are content", "e: |\n  ---x\n", []string{"e: |\n  ---x\n"}},
		{"CRLF line endings", "f: 1\r\n---\r\ng: 2\r\n", []string{"f: 1\n", "g: 2\n"}},
		{"nothing at all", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs, err := SplitDocuments([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range docs {
				got = append(got, string(d))
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestToJSON(t *testing.T) {
	js, err := ToJSON([]byte("kind: Pod\nspec:\n  containers:\n  - name: a\n    ports: [{containerPort: 80}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"kind":"Pod","spec":{"containers":[{"name":"a","ports":[{"containerPort":80}]}]}}`; string(js) != want {
		t.Errorf("got %s", js)
	}
	if _, err := ToJSON([]byte("a: [1")); err == nil {
		t.Error("malformed YAML converted")
	}
	if _, err := SplitDocuments([]byte(strings.Repeat("x", maxLine+2))); err == nil {
		t.Error("an over-long line was accepted")
	}
}

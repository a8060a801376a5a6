package request

import "testing"

func TestParseAcceptKubectlTable(t *testing.T) {
	got := ParseAccept("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")
	if len(got) != 3 {
		t.Fatalf("got %d entries", len(got))
	}
	if got[0].Type != MediaJSON || got[0].As != "Table" || got[0].Version != "v1" || got[0].Group != "meta.k8s.io" {
		t.Errorf("first entry = %+v", got[0])
	}
	if got[2].IsConversion() {
		t.Errorf("plain JSON entry asks for a conversion: %+v", got[2])
	}
}

func TestParseAccept(t *testing.T) {
	cases := []struct {
		name   string
		header string
		first  string
		n      int
	}{
		{"an empty header accepts anything", "", "*/*", 1},
		{"protobuf first stays first", "application/vnd.kubernetes.protobuf,application/json", MediaProtobuf, 2},
		{"quality values reorder entries", "application/json;q=0.5,application/yaml", MediaYAML, 2},
		{"q=0 entries are dropped", "application/yaml;q=0,application/json", MediaJSON, 1},
		{"garbage entries are dropped", "???,application/json", MediaJSON, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ParseAccept(c.header)
			if len(got) != c.n || got[0].Type != c.first {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	if !(MediaType{Type: "*/*"}).Matches(MediaJSON) || !(MediaType{Type: "application/*"}).Matches(MediaYAML) {
		t.Fatal("wildcards do not match")
	}
	if (MediaType{Type: "text/*"}).Matches(MediaJSON) || (MediaType{Type: MediaYAML}).Matches(MediaJSON) {
		t.Fatal("a non-matching range matched")
	}
}

func TestContentType(t *testing.T) {
	if got := ContentType("application/json; charset=utf-8"); got != MediaJSON {
		t.Fatalf("got %q", got)
	}
	if got := ContentType("application/strategic-merge-patch+json"); got != "application/strategic-merge-patch+json" {
		t.Fatalf("got %q", got)
	}
}

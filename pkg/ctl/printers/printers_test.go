package printers

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

const podTable = `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"},
"columnDefinitions":[{"name":"Name","type":"string","format":"name","priority":0},{"name":"Ready","type":"string","priority":0},
{"name":"Restarts","type":"integer","priority":0},{"name":"IP","type":"string","priority":1},{"name":"Age","type":"string","priority":0}],
"rows":[{"cells":["web-1","1/1",0,"10.0.0.12","5m"],"object":{"metadata":{"name":"web-1","namespace":"default","labels":{"app":"web","tier":"fe"}}}},
{"cells":["db",null,12,"10.0.0.7","2d"],"object":{"metadata":{"name":"db","namespace":"prod"}}}]}`

func TestTableRowsGolden(t *testing.T) {
	table, err := DecodeTable([]byte(podTable))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		opts TableOptions
		want string
	}{
		{name: "default columns hide priority one", want: "NAME    READY    RESTARTS   AGE\nweb-1   1/1      0          5m\ndb      <none>   12         2d\n"},
		{name: "wide shows every column", opts: TableOptions{Wide: true},
			want: "NAME    READY    RESTARTS   IP          AGE\nweb-1   1/1      0          10.0.0.12   5m\ndb      <none>   12         10.0.0.7    2d\n"},
		{name: "namespace and labels come from the row objects", opts: TableOptions{WithNamespace: true, ShowLabels: true},
			want: "NAMESPACE   NAME    READY    RESTARTS   AGE   LABELS\ndefault     web-1   1/1      0          5m    app=web,tier=fe\nprod        db      <none>   12         2d    <none>\n"},
		{name: "kind prefixes names and no headers drops the header", opts: TableOptions{Kind: "pod", NoHeaders: true},
			want: "pod/web-1   1/1      0     5m\npod/db      <none>   12    2d\n"},
		{name: "label columns show one label each", opts: TableOptions{LabelColumns: []string{"app"}},
			want: "NAME    READY    RESTARTS   AGE   APP\nweb-1   1/1      0          5m    web\ndb      <none>   12         2d    \n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := (&ColumnWriter{Out: &b}).Write(TableRows(table, tc.opts, true)); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got:\n%q\nwant:\n%q", b.String(), tc.want)
			}
		})
	}
}

func TestColumnWriterKeepsWidthsAcrossWrites(t *testing.T) {
	var b bytes.Buffer
	w := &ColumnWriter{Out: &b}
	w.Write([][]string{{"NAME", "AGE"}, {"a", "1s"}})
	w.Write([][]string{{"b", "2s"}})
	want := "NAME   AGE\na      1s\nb      2s\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestHumanDuration(t *testing.T) {
	cases := map[time.Duration]string{
		-2 * time.Second:               "<invalid>",
		-time.Millisecond:              "0s",
		59 * time.Second:               "59s",
		119 * time.Second:              "119s",
		3*time.Minute + 20*time.Second: "3m20s",
		5 * time.Minute:                "5m",
		47 * time.Minute:               "47m",
		3*time.Hour + 10*time.Minute:   "3h10m",
		30 * time.Hour:                 "30h",
		50 * time.Hour:                 "2d2h",
		72 * time.Hour:                 "3d",
		400 * 24 * time.Hour:           "400d",
		(3*365 + 10) * 24 * time.Hour:  "3y10d",
		9 * 365 * 24 * time.Hour:       "9y",
	}
	for d, want := range cases {
		if got := HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

const podList = `{"kind":"List","apiVersion":"v1","items":[
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"app":"web"}},"spec":{"containers":[{"name":"c1","image":"nginx"},{"name":"c2","image":"redis"}]},"status":{"phase":"Running","restarts":3}},
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b","labels":{"app":"db","key.with.dots":"x"}},"spec":{"containers":[{"name":"c1","image":"postgres"}]},"status":{"phase":"Pending","restarts":1}}]}`

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestJSONPath(t *testing.T) {
	data := decode(t, podList)
	cases := []struct{ name, tmpl, want string }{
		{"a field of every item", "{.items[*].metadata.name}", "a b"},
		{"an index and a nested list", "{.items[0].spec.containers[*].image}", "nginx redis"},
		{"a negative index", "{.items[-1].metadata.name}", "b"},
		{"a slice", "{.items[0:1].metadata.name}", "a"},
		{"range with literals", `{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}`, "a\tRunning\nb\tPending\n"},
		{"an equality filter", `{.items[?(@.status.phase=="Pending")].metadata.name}`, "b"},
		{"a numeric filter", `{.items[?(@.status.restarts>2)].metadata.name}`, "a"},
		{"an existence filter", `{.items[?(@.metadata.labels.app)].metadata.name}`, "a b"},
		{"a quoted key with dots", `{.items[1].metadata.labels['key.with.dots']}`, "x"},
		{"a bracketed key", `{.items[1].metadata.labels['app']}`, "db"},
		{"a map prints as JSON", "{.items[0].metadata.labels}", `{"app":"web"}`},
		{"recursive descent", "{..image}", "nginx redis postgres"},
		{"text around actions", "names: {.items[*].metadata.name}!", "names: a b!"},
		{"nested range", `{range .items[*]}{.metadata.name}:{range .spec.containers[*]}{.name},{end};{end}`, "a:c1,c2,;b:c1,;"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			jp, err := ParseJSONPath(tc.tmpl)
			if err != nil {
				t.Fatal(err)
			}
			jp.AllowMissing = true
			var b bytes.Buffer
			if err := jp.Execute(&b, data); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got %q, want %q", b.String(), tc.want)
			}
		})
	}
}

func TestJSONPathErrors(t *testing.T) {
	for _, tmpl := range []string{"{.items[*]", "{range .items[*]}{.x}", "{end}", "{.items[abc]}"} {
		if _, err := ParseJSONPath(tmpl); err == nil {
			t.Errorf("ParseJSONPath(%q) succeeded, want an error", tmpl)
		}
	}
	jp, _ := ParseJSONPath("{.missing}")
	if err := jp.Execute(&bytes.Buffer{}, map[string]any{}); err == nil {
		t.Error("a missing key without AllowMissing must fail")
	}
}

func TestCustomColumns(t *testing.T) {
	p, err := ParseCustomColumns("NAME:.metadata.name,IMAGES:.spec.containers[*].image,LABELS:.metadata.labels,NODE:.spec.nodeName")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := p.PrintObject(&b, decode(t, podList)); err != nil {
		t.Fatal(err)
	}
	want := "NAME   IMAGES        LABELS                        NODE\na      nginx,redis   map[app:web]                  <none>\nb      postgres      map[app:db key.with.dots:x]   <none>\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
	if _, err := ParseCustomColumns("NAME"); err == nil {
		t.Error("a column without a path must be rejected")
	}
}

func TestNameAndSort(t *testing.T) {
	var b bytes.Buffer
	NamePrinter{}.PrintObject(&b, decode(t, podList))
	NamePrinter{}.PrintObject(&b, map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web"}})
	if want := "pod/a\npod/b\ndeployment.apps/web\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	items := []map[string]any{
		{"n": "x", "v": 10.0}, {"n": "y", "v": 9.0}, {"n": "z"},
	}
	path, _ := SelectPath(".v")
	SortItems(items, path)
	if items[0]["n"] != "z" || items[1]["n"] != "y" || items[2]["n"] != "x" {
		t.Errorf("unexpected order %v", items)
	}
}

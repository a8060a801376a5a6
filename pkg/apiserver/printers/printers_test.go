package printers

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/install"
)

// testNow is the fixed clock of every test.
var testNow = time.Date(2026, 11, 26, 18, 40, 0, 0, time.UTC)

func testPrinters() *Printers { return New(WithClock(func() time.Time { return testNow })) }

// ago returns a metav1.Time d before testNow.
func ago(d time.Duration) metav1.Time { return metav1.Time{Time: testNow.Add(-d)} }

func agoPtr(d time.Duration) *metav1.Time { t := ago(d); return &t }

func ptr[T any](v T) *T { return &v }

// convert prints obj with the printer of gr and fails the test on error.
func convert(t *testing.T, gr schema.GroupResource, obj runtime.Object) *metav1.Table {
	t.Helper()
	table, err := testPrinters().For(gr).ConvertToTable(context.Background(), obj, nil)
	if err != nil {
		t.Fatalf("ConvertToTable(%s): %v", gr, err)
	}
	return table
}

// rowCells prints a single object and returns its only row's cells.
func rowCells(t *testing.T, gr schema.GroupResource, obj runtime.Object) []any {
	t.Helper()
	table := convert(t, gr, obj)
	if len(table.Rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(table.Rows))
	}
	if got, want := len(table.Rows[0].Cells), len(table.ColumnDefinitions)+extraCells[gr]; got != want {
		t.Fatalf("row has %d cells for %d columns", got, want)
	}
	return table.Rows[0].Cells
}

// extraCells lists resources whose rows carry more cells than columns, as
// Kubernetes' do.
var extraCells = map[schema.GroupResource]int{networking("ipaddresses"): 1}

// goldenCase is one golden row: the cells printed for obj.
type goldenCase struct {
	name string
	gr   schema.GroupResource
	obj  runtime.Object
	want []any
}

func runGolden(t *testing.T, cases []goldenCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.gr, tc.obj)); diff != "" {
				t.Errorf("cells mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// columnShape is what kubectl reads of a column definition.
type columnShape struct {
	Name, Type, Format string
	Priority           int32
}

func shapes(cols []metav1.TableColumnDefinition) []columnShape {
	out := make([]columnShape, len(cols))
	for i, c := range cols {
		out[i] = columnShape{c.Name, c.Type, c.Format, c.Priority}
	}
	return out
}

func TestEveryListableResourceConvertsEmptyObjectsAndLists(t *testing.T) {
	scheme := install.NewScheme()
	p := testPrinters()
	for _, r := range scheme.Resources() {
		if r.Verbs != nil && !slices.Contains(r.Verbs, "list") {
			continue
		}
		gr := r.GroupResource()
		t.Run(gr.String(), func(t *testing.T) {
			conv := p.For(gr)
			if conv == nil {
				t.Fatal("For returned nil")
			}
			if _, ok := p.handlers[gr]; !ok {
				t.Errorf("no dedicated printer; falls back to the default table")
			}
			obj, err := scheme.New(r.GroupVersionKind())
			if err != nil {
				t.Fatalf("New(%s): %v", r.Kind, err)
			}
			table, err := conv.ConvertToTable(context.Background(), obj, nil)
			if err != nil {
				t.Fatalf("empty object: %v", err)
			}
			if len(table.Rows) != 1 || len(table.Rows[0].Cells) != len(table.ColumnDefinitions)+extraCells[gr] {
				t.Fatalf("empty object: %d rows, want one with %d cells", len(table.Rows), len(table.ColumnDefinitions))
			}
			if table.ColumnDefinitions[0].Format != "name" && table.ColumnDefinitions[len(table.ColumnDefinitions)-1].Format != "name" {
				t.Errorf("no column has format name: %+v", table.ColumnDefinitions)
			}
			list, err := scheme.New(r.GroupVersion().WithKind(r.ListKind))
			if err != nil {
				t.Fatalf("New(%s): %v", r.ListKind, err)
			}
			table, err = conv.ConvertToTable(context.Background(), list, nil)
			if err != nil {
				t.Fatalf("empty list: %v", err)
			}
			if table.Rows == nil || len(table.Rows) != 0 {
				t.Errorf("empty list: rows = %#v, want an empty non-nil slice", table.Rows)
			}
			// A defaulted object exercises the usual code paths.
			scheme.Default(obj)
			if _, err := conv.ConvertToTable(context.Background(), obj, nil); err != nil {
				t.Errorf("defaulted object: %v", err)
			}
		})
	}
}

func TestEveryPrinterNamesAKnownResource(t *testing.T) {
	known := map[schema.GroupResource]bool{}
	for _, r := range install.NewScheme().Resources() {
		known[r.GroupResource()] = true
	}
	for gr := range testPrinters().handlers {
		if !known[gr] {
			t.Errorf("printer registered for %s, which the scheme does not serve", gr)
		}
	}
}

func TestListKeepsOrderAndListMetadata(t *testing.T) {
	remaining := int64(7)
	list := &corev1.ConfigMapList{
		ListMeta: metav1.ListMeta{ResourceVersion: "16387", Continue: "tok", RemainingItemCount: &remaining},
		Items: []corev1.ConfigMap{
			{ObjectMeta: metav1.ObjectMeta{Name: "zeta", ResourceVersion: "5", CreationTimestamp: ago(time.Minute)}},
			{ObjectMeta: metav1.ObjectMeta{Name: "alpha", ResourceVersion: "9", CreationTimestamp: ago(time.Second)}, Data: map[string]string{"a": "1", "b": "2"}},
		},
	}
	table := convert(t, core("configmaps"), list)
	if table.ResourceVersion != "16387" || table.Continue != "tok" || table.RemainingItemCount == nil || *table.RemainingItemCount != 7 {
		t.Errorf("table metadata = %+v, want the list's", table.ListMeta)
	}
	if table.Kind != "Table" || table.APIVersion != "meta.k8s.io/v1" {
		t.Errorf("TypeMeta = %+v", table.TypeMeta)
	}
	want := [][]any{{"zeta", int64(0), "60s"}, {"alpha", int64(2), "1s"}}
	for i, row := range table.Rows {
		if diff := cmp.Diff(want[i], row.Cells); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", i, diff)
		}
		if row.Object.Object != &list.Items[i] {
			t.Errorf("row %d object is %p, want the list item itself %p", i, row.Object.Object, &list.Items[i])
		}
	}
}

func TestSingleObjectTableCarriesItsResourceVersion(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "w1", ResourceVersion: "16390", CreationTimestamp: ago(0)}, Data: map[string]string{"a": "1"}}
	table := convert(t, core("configmaps"), cm)
	if table.ResourceVersion != "16390" {
		t.Errorf("resourceVersion = %q, want 16390", table.ResourceVersion)
	}
	// Appendix B: the configmaps watch Table row is ["w1",1,"0s"] under Name, Data, Age.
	if diff := cmp.Diff([]any{"w1", int64(1), "0s"}, table.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	wantCols := []columnShape{{"Name", "string", "name", 0}, {"Data", "string", "", 0}, {"Age", "string", "", 0}}
	if diff := cmp.Diff(wantCols, shapes(table.ColumnDefinitions)); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if table.Rows[0].Object.Object != cm {
		t.Errorf("row object is not the printed object")
	}
}

func TestUnknownResourceGetsTheDefaultTable(t *testing.T) {
	gr := schema.GroupResource{Group: "example.com", Resource: "widgets"}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "w", CreationTimestamp: metav1.Time{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))}}}
	table := convert(t, gr, cm)
	wantCols := []columnShape{{"Name", "string", "name", 0}, {"Created At", "date", "", 0}}
	if diff := cmp.Diff(wantCols, shapes(table.ColumnDefinitions)); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"w", "2026-01-02T02:04:05Z"}, table.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

func TestWrongObjectTypeIsAnError(t *testing.T) {
	_, err := testPrinters().For(core("pods")).ConvertToTable(context.Background(), &corev1.ConfigMap{}, nil)
	if err == nil {
		t.Fatal("printing a ConfigMap as a pod succeeded, want an error")
	}
}

func TestAgeOfUnsetTimestampIsUnknown(t *testing.T) {
	got := rowCells(t, core("namespaces"), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "x"}})
	if got[2] != "<unknown>" {
		t.Errorf("age = %v, want <unknown>", got[2])
	}
}

func TestColumnsAreNeverShared(t *testing.T) {
	conv := testPrinters().For(core("configmaps"))
	a, err := conv.ConvertToTable(context.Background(), &corev1.ConfigMap{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.ColumnDefinitions[0].Name = "changed"
	b, err := conv.ConvertToTable(context.Background(), &corev1.ConfigMap{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.ColumnDefinitions[0].Name != "Name" {
		t.Errorf("changing one table's columns changed the next table's")
	}
	if reflect.ValueOf(a.ColumnDefinitions).Pointer() == reflect.ValueOf(b.ColumnDefinitions).Pointer() {
		t.Errorf("tables share their column slice")
	}
}

// Column types Kubernetes uses where a number is sent in a "string" column
// (or the reverse); kubectl prints them alike, clients reading types do not.
func TestColumnTypesMatchKubernetes(t *testing.T) {
	cases := []struct {
		name string
		gr   schema.GroupResource
		want []columnShape
	}{
		{"deployments count in string columns", apps("deployments"), []columnShape{
			{"Name", "string", "name", 0}, {"Ready", "string", "", 0}, {"Up-to-date", "string", "", 0}, {"Available", "string", "", 0},
			{"Age", "string", "", 0}, {"Containers", "string", "", 1}, {"Images", "string", "", 1}, {"Selector", "string", "", 1}}},
		{"replica sets use integer columns", apps("replicasets"), []columnShape{
			{"Name", "string", "name", 0}, {"Desired", "integer", "", 0}, {"Current", "integer", "", 0}, {"Ready", "integer", "", 0},
			{"Age", "string", "", 0}, {"Containers", "string", "", 1}, {"Images", "string", "", 1}, {"Selector", "string", "", 1}}},
		{"autoscalers use string columns", schema.GroupResource{Group: "autoscaling", Resource: "horizontalpodautoscalers"}, []columnShape{
			{"Name", "string", "name", 0}, {"Reference", "string", "", 0}, {"Targets", "string", "", 0}, {"MinPods", "string", "", 0},
			{"MaxPods", "string", "", 0}, {"Replicas", "string", "", 0}, {"Age", "string", "", 0}}},
		{"quotas put Age last", core("resourcequotas"), []columnShape{
			{"Name", "string", "name", 0}, {"Request", "string", "", 0}, {"Limit", "string", "", 0}, {"Age", "string", "", 0}}},
		{"volume attachments mark the attacher as a name", storage("volumeattachments"), []columnShape{
			{"Name", "string", "name", 0}, {"Attacher", "string", "name", 0}, {"PV", "string", "", 0}, {"Node", "string", "", 0},
			{"Attached", "boolean", "", 0}, {"Age", "string", "", 0}}},
		{"events hide five columns without -o wide", core("events"), []columnShape{
			{"Last Seen", "string", "", 0}, {"Type", "string", "", 0}, {"Reason", "string", "", 0}, {"Object", "string", "", 0},
			{"Subobject", "string", "", 1}, {"Source", "string", "", 1}, {"Message", "string", "", 0}, {"First Seen", "string", "", 1},
			{"Count", "string", "", 1}, {"Name", "string", "name", 1}}},
		{"priority classes show the preemption policy", schema.GroupResource{Group: "scheduling.k8s.io", Resource: "priorityclasses"}, []columnShape{
			{"Name", "string", "name", 0}, {"Value", "integer", "", 0}, {"Global-Default", "boolean", "", 0}, {"Age", "string", "", 0},
			{"PreemptionPolicy", "string", "", 0}}},
	}
	p := testPrinters()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := p.handlers[tc.gr]
			if !ok {
				t.Fatalf("no printer for %s", tc.gr)
			}
			if diff := cmp.Diff(tc.want, shapes(h.columns)); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
		})
	}
}

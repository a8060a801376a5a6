package v1

import (
	"reflect"
	"testing"
)

func sampleTable() *Table {
	return &Table{
		TypeMeta:          TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"},
		ListMeta:          ListMeta{ResourceVersion: "7"},
		ColumnDefinitions: []TableColumnDefinition{{Name: "Name", Type: "string", Format: "name"}},
		Rows: []TableRow{{
			Cells:      []any{"web", int64(3), map[string]any{"k": []any{"v"}}, []any{map[string]any{"a": "b"}}},
			Conditions: []TableRowCondition{{Type: RowCompleted, Status: ConditionTrue}},
		}},
	}
}

func TestTableDeepCopyIsIndependent(t *testing.T) {
	orig := sampleTable()
	orig.Rows[0].Object.Raw = []byte(`{"kind":"Pod"}`)
	cp, ok := orig.DeepCopyObject().(*Table)
	if !ok {
		t.Fatalf("DeepCopyObject returned %T, want *Table", orig.DeepCopyObject())
	}
	if !reflect.DeepEqual(orig, cp) {
		t.Fatalf("copy differs from the original")
	}
	row := &cp.Rows[0]
	row.Cells[0] = "changed"
	row.Cells[2].(map[string]any)["k"].([]any)[0] = "changed"
	row.Cells[3].([]any)[0].(map[string]any)["a"] = "changed"
	row.Conditions[0].Type = "changed"
	row.Object.Raw[0] = 'X'
	cp.ColumnDefinitions[0].Name = "changed"

	want := sampleTable()
	want.Rows[0].Object.Raw = []byte(`{"kind":"Pod"}`)
	if !reflect.DeepEqual(orig, want) {
		t.Errorf("mutating the copy changed the original: %#v", orig.Rows[0])
	}
}

func TestTableRowDeepCopyKeepsNil(t *testing.T) {
	var r TableRow
	cp := r.DeepCopy()
	if cp.Cells != nil || cp.Conditions != nil {
		t.Errorf("nil slices became %#v and %#v", cp.Cells, cp.Conditions)
	}
}

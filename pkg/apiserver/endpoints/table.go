package endpoints

import (
	"context"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// tableConvertor returns the convertor of the scope's resource; a
// subresource of another kind (scale) gets the default table.
func (s *scope) tableConvertor() rest.TableConvertor {
	if s.h.cfg.Tables != nil && s.ownKind() {
		if c := s.h.cfg.Tables(s.gr); c != nil {
			return c
		}
	}
	if c, ok := s.storage.(rest.TableConvertor); ok {
		return c
	}
	return defaultTable{}
}

// toTable prints obj (an object or a list) as a Table whose rows carry the
// object as the includeObject policy asks (PartialObjectMetadata by
// default) and whose metadata carries the list's (or object's)
// resourceVersion. Without columns, columnDefinitions are left null (watch
// events after the first).
func (s *scope) toTable(ctx context.Context, out output, obj runtime.Object, columns bool) (*metav1.Table, error) {
	tbl, err := s.tableConvertor().ConvertToTable(ctx, obj, &metav1.TableOptions{IncludeObject: out.include})
	if err != nil {
		return nil, err
	}
	var items []runtime.Object
	if isList(obj) {
		items = listItems(obj)
		lm := listMeta(obj)
		tbl.ResourceVersion, tbl.Continue, tbl.RemainingItemCount = lm.ResourceVersion, lm.Continue, lm.RemainingItemCount
	} else {
		items = []runtime.Object{obj}
		if m, ok := objectMeta(obj); ok {
			tbl.ResourceVersion = m.GetResourceVersion()
		}
	}
	version := out.version
	if version == "" {
		version = "v1"
	}
	tbl.TypeMeta = metav1.TypeMeta{APIVersion: metaGroup + "/" + version, Kind: asTable}
	if !columns {
		tbl.ColumnDefinitions = nil
	}
	if tbl.Rows == nil {
		tbl.Rows = []metav1.TableRow{}
	}
	for i := range tbl.Rows {
		row := &tbl.Rows[i]
		o := row.Object.Object
		if o == nil && i < len(items) {
			o = items[i]
		}
		switch {
		case o == nil || out.include == metav1.IncludeNone:
			row.Object = runtime.RawExtension{}
		case out.include == metav1.IncludeObject:
			row.Object = runtime.RawExtension{Object: s.withKind(o)}
		default:
			row.Object = runtime.RawExtension{Object: &metav1.PartialObjectMetadata{
				TypeMeta:   metav1.TypeMeta{APIVersion: metaGroup + "/" + version, Kind: asPartial},
				ObjectMeta: metaOf(o),
			}}
		}
	}
	return tbl, nil
}

// withKind returns obj, or a copy with apiVersion and kind set when it has
// none (embedded objects are encoded without the serializer's help).
func (s *scope) withKind(obj runtime.Object) runtime.Object {
	if !obj.GetObjectKind().GroupVersionKind().Empty() {
		return obj
	}
	gvk, err := s.h.cfg.Scheme.ObjectKind(obj)
	if err != nil {
		return obj
	}
	cp := obj.DeepCopyObject()
	cp.GetObjectKind().SetGroupVersionKind(gvk)
	return cp
}

// defaultTable prints resources without a printer as Kubernetes' default
// table does: Name and Created At.
type defaultTable struct{}

var defaultColumns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated."},
	{Name: "Created At", Type: "date", Description: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC."},
}

func (defaultTable) ConvertToTable(_ context.Context, obj runtime.Object, _ *metav1.TableOptions) (*metav1.Table, error) {
	tbl := &metav1.Table{ColumnDefinitions: defaultColumns}
	items := []runtime.Object{obj}
	if isList(obj) {
		items = listItems(obj)
	}
	tbl.Rows = make([]metav1.TableRow, 0, len(items))
	for _, it := range items {
		m, ok := objectMeta(it)
		if !ok {
			continue
		}
		tbl.Rows = append(tbl.Rows, metav1.TableRow{
			Cells:  []any{m.GetName(), m.GetCreationTimestamp().Time.UTC().Format(time.RFC3339)},
			Object: runtime.RawExtension{Object: it},
		})
	}
	return tbl, nil
}

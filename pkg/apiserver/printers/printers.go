package printers

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/duration"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// Printers holds the table printer of every known resource.
type Printers struct {
	now      func() time.Time
	handlers map[schema.GroupResource]*handler
}

// Option configures Printers.
type Option func(*Printers)

// WithClock sets the clock AGE-like columns are computed against.
func WithClock(now func() time.Time) Option {
	return func(p *Printers) { p.now = now }
}

// New returns the printers of every resource, using the wall clock unless
// WithClock says otherwise.
func New(opts ...Option) *Printers {
	p := &Printers{now: time.Now, handlers: map[schema.GroupResource]*handler{}}
	for _, o := range opts {
		o(p)
	}
	addCoreHandlers(p)
	addCoreMoreHandlers(p)
	addAppsHandlers(p)
	addBatchHandlers(p)
	addAutoscalingHandlers(p)
	addNetworkingHandlers(p)
	addStorageHandlers(p)
	addRBACHandlers(p)
	addMiscHandlers(p)
	return p
}

// For returns the table convertor of gr; it is never nil: resources without
// a printer get the default Name / Created At table.
func (p *Printers) For(gr schema.GroupResource) rest.TableConvertor {
	if h, ok := p.handlers[gr]; ok {
		return &convertor{p: p, h: h}
	}
	return &convertor{p: p, h: defaultHandler}
}

// rowFunc prints one object into its cells and row conditions.
type rowFunc func(p *Printers, obj runtime.Object) ([]any, []metav1.TableRowCondition, error)

// handler is the printer of one resource.
type handler struct {
	columns []metav1.TableColumnDefinition
	row     rowFunc
}

// add registers fn as the printer of gr for objects of type T.
func add[T runtime.Object](p *Printers, gr schema.GroupResource, columns []metav1.TableColumnDefinition, fn func(p *Printers, obj T) ([]any, error)) {
	p.handlers[gr] = &handler{columns: columns, row: func(p *Printers, obj runtime.Object) ([]any, []metav1.TableRowCondition, error) {
		t, ok := obj.(T)
		if !ok {
			return nil, nil, fmt.Errorf("printing %s: unexpected object type %T", gr, obj)
		}
		cells, err := fn(p, t)
		return cells, nil, err
	}}
}

// convertor is the rest.TableConvertor of one resource.
type convertor struct {
	p *Printers
	h *handler
}

// listMetaHolder is implemented by every list kind through its ListMeta.
type listMetaHolder interface {
	GetListMeta() metav1.ListInterface
}

// ConvertToTable prints obj, a single object or a list, as a Table.
func (c *convertor) ConvertToTable(_ context.Context, obj runtime.Object, _ *metav1.TableOptions) (*metav1.Table, error) {
	if obj == nil || reflect.ValueOf(obj).IsNil() {
		return nil, fmt.Errorf("cannot print a nil object as a table")
	}
	table := &metav1.Table{
		TypeMeta:          metav1.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"},
		ColumnDefinitions: append([]metav1.TableColumnDefinition(nil), c.h.columns...),
		Rows:              []metav1.TableRow{},
	}
	items, isList := listItems(obj)
	if !isList {
		items = []runtime.Object{obj}
	}
	for _, item := range items {
		cells, conds, err := c.h.row(c.p, item)
		if err != nil {
			return nil, err
		}
		table.Rows = append(table.Rows, metav1.TableRow{Cells: cells, Conditions: conds, Object: runtime.RawExtension{Object: item}})
	}
	if lm, ok := obj.(listMetaHolder); ok && isList {
		l := lm.GetListMeta()
		table.ResourceVersion = l.GetResourceVersion()
		table.Continue = l.GetContinue()
		table.RemainingItemCount = l.GetRemainingItemCount()
	} else if m, ok := obj.(metav1.Object); ok {
		table.ResourceVersion = m.GetResourceVersion()
	}
	return table, nil
}

// listItems returns pointers to the Items of a list kind.
func listItems(obj runtime.Object) ([]runtime.Object, bool) {
	if _, ok := obj.(listMetaHolder); !ok {
		return nil, false
	}
	v := reflect.ValueOf(obj).Elem()
	if v.Kind() != reflect.Struct {
		return nil, false
	}
	f := v.FieldByName("Items")
	if !f.IsValid() || f.Kind() != reflect.Slice {
		return nil, false
	}
	out := make([]runtime.Object, 0, f.Len())
	for i := 0; i < f.Len(); i++ {
		e := f.Index(i)
		if e.Kind() == reflect.Pointer {
			if o, ok := e.Interface().(runtime.Object); ok {
				out = append(out, o)
			}
			continue
		}
		if o, ok := e.Addr().Interface().(runtime.Object); ok {
			out = append(out, o)
		}
	}
	return out, true
}

// defaultHandler is Kubernetes' default table: Name and Created At.
var defaultHandler = &handler{
	columns: []metav1.TableColumnDefinition{
		nameColumn,
		{Name: "Created At", Type: "date", Description: "When the object was created."},
	},
	row: func(_ *Printers, obj runtime.Object) ([]any, []metav1.TableRowCondition, error) {
		m, ok := obj.(metav1.Object)
		if !ok {
			return nil, nil, fmt.Errorf("cannot print %T as a table: it has no object metadata", obj)
		}
		return []any{m.GetName(), createdAt(m.GetCreationTimestamp())}, nil, nil
	},
}

// Column helpers shared by the printers.
var (
	nameColumn = metav1.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: "The object's name, unique in its namespace."}
	ageColumn  = metav1.TableColumnDefinition{Name: "Age", Type: "string", Description: "Time since the object was created."}
)

// str, integer and boolean build column definitions.
func str(name, desc string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: "string", Description: desc}
}

func integer(name, desc string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: "integer", Description: desc}
}

func boolean(name, desc string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: "boolean", Description: desc}
}

// wide marks a column as shown only with -o wide.
func wide(c metav1.TableColumnDefinition) metav1.TableColumnDefinition {
	c.Priority = 1
	return c
}

// createdAt renders a creation time as the "Created At" columns do.
func createdAt(t metav1.Time) string {
	return t.Time.UTC().Format(time.RFC3339)
}

// since renders the age of t, "<unknown>" when t is unset.
func (p *Printers) since(t metav1.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(p.now().Sub(t.Time))
}

// sinceMicro is since for MicroTime.
func (p *Printers) sinceMicro(t metav1.MicroTime) string {
	if t.Time.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(p.now().Sub(t.Time))
}

// containerCells joins container names and images with commas.
func containerCells(cs []corev1.Container) (names, images string) {
	n := make([]string, len(cs))
	im := make([]string, len(cs))
	for i, c := range cs {
		n[i], im[i] = c.Name, c.Image
	}
	return strings.Join(n, ","), strings.Join(im, ",")
}

// boolPtr renders an optional bool as "True", "False" or "<unset>".
func boolPtr(b *bool) string {
	if b == nil {
		return "<unset>"
	}
	if *b {
		return "True"
	}
	return "False"
}

// derefInt32 returns *v, or 0 when v is nil.
func derefInt32(v *int32) int32 {
	if v == nil {
		return 0
	}
	return *v
}

// moreList joins up to max entries and appends " + N more..." for the rest.
func moreList(list []string, total, max int) string {
	s := strings.Join(list, ",")
	if total > max {
		return fmt.Sprintf("%s + %d more...", s, total-max)
	}
	return s
}

package v1

import "keel.dev/apimachinery/pkg/runtime"

// Table is the server-side printing of a list for `kubectl get`.
type Table struct {
	TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	ListMeta `json:"metadata,omitempty"`
	// ColumnDefinitions describe the cells of each row.
	ColumnDefinitions []TableColumnDefinition `json:"columnDefinitions"`
	// Rows are the printed objects.
	Rows []TableRow `json:"rows"`
}

// TableColumnDefinition describes one column.
type TableColumnDefinition struct {
	// Name is the column header.
	Name string `json:"name"`
	// Type is an OpenAPI type: string, integer, number, boolean.
	Type string `json:"type"`
	// Format is an OpenAPI format; "name" marks the object's name column.
	Format string `json:"format"`
	// Description explains the column.
	Description string `json:"description"`
	// Priority 0 is always shown; higher only with -o wide.
	Priority int32 `json:"priority"`
}

// TableRow is one printed object.
type TableRow struct {
	// Cells hold one value per column (string, number or bool).
	Cells []any `json:"cells"`
	// Conditions of the row, e.g. Completed.
	Conditions []TableRowCondition `json:"conditions,omitempty"`
	// Object is the object or its PartialObjectMetadata, as asked.
	Object runtime.RawExtension `json:"object,omitempty"`
}

// TableRowCondition is a condition of a row.
type TableRowCondition struct {
	// Type of the condition ("Completed").
	Type RowConditionType `json:"type"`
	// Status is True, False or Unknown.
	Status ConditionStatus `json:"status"`
	// Reason is machine-readable.
	Reason string `json:"reason,omitempty"`
	// Message is for humans.
	Message string `json:"message,omitempty"`
}

// RowConditionType names a row condition.
type RowConditionType string

// RowCompleted marks rows of finished objects (kubectl hides them without -a).
const RowCompleted RowConditionType = "Completed"

// IncludeObjectPolicy says what a Table row's object holds.
type IncludeObjectPolicy string

// The includeObject values.
const (
	IncludeNone     IncludeObjectPolicy = "None"
	IncludeMetadata IncludeObjectPolicy = "Metadata"
	IncludeObject   IncludeObjectPolicy = "Object"
)

// TableOptions are the query parameters of a Table request.
type TableOptions struct {
	TypeMeta `json:",inline"`
	// IncludeObject is None, Metadata (default) or Object.
	IncludeObject IncludeObjectPolicy `json:"includeObject,omitempty" protobuf:"bytes,1,opt,name=includeObject,casttype=IncludeObjectPolicy"`
}

// PartialObjectMetadata is an object reduced to its metadata.
type PartialObjectMetadata struct {
	TypeMeta `json:",inline"`
	// ObjectMeta of the object.
	ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
}

// PartialObjectMetadataList is a list of metadata-only objects.
type PartialObjectMetadataList struct {
	TypeMeta `json:",inline"`
	// ListMeta of the list.
	ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the objects' metadata.
	Items []PartialObjectMetadata `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// Package dctest exercises deepcopy-gen; the generator test copies it into
// a temporary module, generates its deep copies and runs copy_test.go.
package dctest

import (
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// Kind is a runtime.Object: it embeds TypeMeta.
type Kind struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              Spec    `json:"spec"`
	Status            *Status `json:"status,omitempty"`
}

// KindList is a list kind.
type KindList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Kind `json:"items"`
}

// Spec has one field of every shape the generator handles.
type Spec struct {
	Name       string
	Count      *int32
	Tags       []string
	Raw        []byte
	Children   []Child
	ChildPtrs  []*Child
	Limits     Limits
	ByName     map[string]Child
	PtrByName  map[string]*Child
	Headers    map[string][]string
	Nested     map[string]map[string]int
	Names      Names
	Inner      Inner
	InnerPtr   *Inner
	Grid       [2][]int
	When       metav1.Time
	WhenPtr    *metav1.Time
	Timeout    time.Duration
	Stamp      time.Time
	Embedded   runtime.Object
	Extension  runtime.RawExtension
	Flat       Flat
	HandMade   HandMade
	Selector   *metav1.LabelSelector
	PtrToSlice *[]string
}

// Child is a nested struct with deep fields.
type Child struct {
	Labels map[string]string
	Ptr    *string
}

// Inner nests another struct.
type Inner struct {
	Child Child
	Flat  Flat
}

// Flat has only shallow fields: assignment copies it.
type Flat struct {
	A int
	B string
}

// Status is a pointer target.
type Status struct {
	Conditions []metav1.Condition
}

// Limits is a named map type.
type Limits map[string][]int

// Names is a named slice type.
type Names []string

// HandMade has a hand-written DeepCopyInto that the generator keeps.
type HandMade struct {
	Values []int
	copies *int
}

// Cells holds values the generator cannot copy, so it is skipped.
type Cells struct {
	Values []any
}

// Ignored is left alone by the marker.
//
// +keel:deepcopy-gen=false
type Ignored struct {
	F func()
}

// Event implements GetObjectKind by hand and asks for DeepCopyObject.
//
// +keel:deepcopy-object
type Event struct {
	Type   string
	Object runtime.RawExtension
}

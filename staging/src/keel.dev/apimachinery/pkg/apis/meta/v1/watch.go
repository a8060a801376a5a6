package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// WatchEvent is one event on a watch stream: {"type":"ADDED","object":{…}}.
//
// +keel:deepcopy-object
type WatchEvent struct {
	// Type is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.
	Type string `json:"type" protobuf:"bytes,1,opt,name=type"`
	// Object is the object (or, for ERROR, a Status).
	Object runtime.RawExtension `json:"object" protobuf:"bytes,2,opt,name=object"`
}

// GetObjectKind implements runtime.Object; a WatchEvent carries no kind of its own.
func (e *WatchEvent) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

package watch

import "keel.dev/apimachinery/pkg/runtime"

// EventType names what happened to the object of an Event; the values are
// the strings Kubernetes puts in the "type" field of a watch stream.
type EventType string

// The event types of a watch stream.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	Bookmark EventType = "BOOKMARK"
	Error    EventType = "ERROR"
)

// Event is one change seen by a watch.
//
// For Added and Modified, Object is the new state; for Deleted, the last state
// with the deletion's resourceVersion; for Bookmark, an object of the watched
// kind carrying only a resourceVersion (and maybe annotations); for Error, an
// object describing the error (a metav1.Status on the wire).
type Event struct {
	Type   EventType
	Object runtime.Object
}

// Interface is a running watch. ResultChan delivers events until the watch
// ends, then is closed. Stop ends the watch; it is safe to call more than once
// and from any goroutine.
type Interface interface {
	Stop()
	ResultChan() <-chan Event
}

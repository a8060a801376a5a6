package record

import (
	"fmt"

	"keel.dev/apimachinery/pkg/runtime"
)

// FakeRecorder is an EventRecorder for unit tests: each event is sent to
// Events as "Type Reason Message" (dropped when the buffer is full).
type FakeRecorder struct {
	Events chan string
}

var _ EventRecorder = (*FakeRecorder)(nil)

// NewFakeRecorder returns a fake recorder buffering size events.
func NewFakeRecorder(size int) *FakeRecorder { return &FakeRecorder{Events: make(chan string, size)} }

// Event sends the event to Events.
func (f *FakeRecorder) Event(_ runtime.Object, eventType, reason, message string) {
	select {
	case f.Events <- eventType + " " + reason + " " + message:
	default:
	}
}

// Eventf sends the formatted event to Events.
func (f *FakeRecorder) Eventf(obj runtime.Object, eventType, reason, messageFmt string, args ...any) {
	f.Event(obj, eventType, reason, fmt.Sprintf(messageFmt, args...))
}

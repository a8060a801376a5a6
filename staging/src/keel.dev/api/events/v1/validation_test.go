package v1

import (
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/internal/testutil"
)

func event() *Event {
	return &Event{
		ObjectMeta:          metav1.ObjectMeta{Name: "web.17a", Namespace: "default"},
		EventTime:           metav1.NewMicroTime(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)),
		ReportingController: "keel.dev/scheduler",
		ReportingInstance:   "scheduler-1",
		Action:              "Binding",
		Reason:              "Scheduled",
		Regarding:           corev1.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web"},
		Type:                EventTypeNormal,
	}
}

func TestValidateEventCreate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Event)
		want   []string
		detail string
	}{
		{"a complete event is valid", func(*Event) {}, nil, ""},
		{"an event needs an event time", func(e *Event) { e.EventTime = metav1.MicroTime{} }, []string{"eventTime: FieldValueRequired"}, ""},
		{"an unknown type is refused", func(e *Event) { e.Type = "Info" }, []string{"type: FieldValueInvalid"}, "has invalid value: Info"},
		{"an event needs a reporting controller", func(e *Event) { e.ReportingController = "" },
			// Kubernetes also reports the empty name as an invalid qualified name.
			[]string{"reportingController: FieldValueRequired", "reportingController: FieldValueInvalid", "reportingController: FieldValueInvalid"}, "name part must be non-empty"},
		{"a deprecated count must stay unset", func(e *Event) { e.DeprecatedCount = 3 }, []string{"deprecatedCount: FieldValueInvalid"}, "needs to be unset"},
		{"a series needs at least two occurrences", func(e *Event) {
			e.Series = &EventSeries{Count: 1, LastObservedTime: e.EventTime}
		}, []string{"series.count: FieldValueInvalid"}, "should be at least 2"},
		{"the regarded object must be in the event's namespace", func(e *Event) { e.Regarding.Namespace = ""; e.Namespace = "team" }, []string{"involvedObject.namespace: FieldValueInvalid"}, "does not match event.namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := event()
			tt.mutate(e)
			testutil.ExpectErrors(t, ValidateEventCreate(e), tt.want, tt.detail)
		})
	}
}

func TestEventNoteIsImmutable(t *testing.T) {
	old := event()
	old.ResourceVersion = "1"
	upd := old.DeepCopy()
	upd.Note = "changed"
	testutil.ExpectErrors(t, ValidateEventUpdate(upd, old), []string{"message: FieldValueInvalid"}, "field is immutable")
}

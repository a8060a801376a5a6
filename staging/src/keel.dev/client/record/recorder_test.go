package record

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
)

func setup(t *testing.T) (*fake.Clientset, *Recorder, *clock.Fake) {
	t.Helper()
	cs := fake.NewClientset()
	fc := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	r := NewRecorder(cs.Clientset, "test-controller", "host-1", WithClock(fc))
	t.Cleanup(r.Shutdown)
	return cs, r, fc
}

func events(t *testing.T, cs *fake.Clientset) []corev1.Event {
	t.Helper()
	l, err := cs.CoreV1().Events("").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

var thePod = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web-1", UID: "u1", ResourceVersion: "7"}}

func TestEventDescribesTheObject(t *testing.T) {
	cs, r, fc := setup(t)
	r.Eventf(thePod, EventTypeWarning, "BackOff", "restarting %s", "app")
	r.Flush()
	evs := events(t, cs)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	io := e.InvolvedObject
	cases := []struct{ name, got, want string }{
		{"the involved kind comes from the scheme", io.Kind, "Pod"},
		{"the involved apiVersion comes from the scheme", io.APIVersion, "v1"},
		{"the involved name", io.Namespace + "/" + io.Name + "/" + string(io.UID), "ns/web-1/u1"},
		{"the event lives in the object's namespace", e.Namespace, "ns"},
		{"the source is the component", e.Source.Component + "@" + e.Source.Host, "test-controller@host-1"},
		{"the message is formatted", e.Type + " " + e.Reason + " " + e.Message, "Warning BackOff restarting app"},
		{"the count starts at one", fmt.Sprint(e.Count), "1"},
		{"the timestamps are the clock's", e.FirstTimestamp.UTC().String() + e.LastTimestamp.UTC().String(), fc.Now().String() + fc.Now().String()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

func TestIdenticalEventsBumpCountWithAPatch(t *testing.T) {
	cs, r, fc := setup(t)
	r.Event(thePod, EventTypeNormal, "Pulled", "image pulled")
	r.Flush()
	first := fc.Now()
	for i := 0; i < 2; i++ {
		fc.Step(time.Minute)
		r.Event(thePod, EventTypeNormal, "Pulled", "image pulled")
		r.Flush()
	}
	evs := events(t, cs)
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	e := evs[0]
	if e.Count != 3 || !e.LastTimestamp.Time.Equal(fc.Now()) || !e.FirstTimestamp.Time.Equal(first) {
		t.Errorf("count=%d first=%v last=%v", e.Count, e.FirstTimestamp, e.LastTimestamp)
	}
	patches := 0
	for _, a := range cs.Actions() {
		if a.Matches("patch", "events") {
			patches++
		}
	}
	if patches != 2 {
		t.Errorf("%d patches, want 2", patches)
	}
}

func TestSimilarEventsAreCombined(t *testing.T) {
	cs, r, _ := setup(t)
	for i := 1; i <= 12; i++ {
		r.Eventf(thePod, EventTypeWarning, "FailedMount", "volume %d failed", i)
	}
	r.Flush()
	evs := events(t, cs)
	var combined []corev1.Event
	for _, e := range evs {
		if strings.HasPrefix(e.Message, "(combined from similar events): ") {
			combined = append(combined, e)
		}
	}
	if len(evs) != 10 || len(combined) != 1 {
		t.Fatalf("%d events, %d combined; want 9 distinct + 1 combined", len(evs), len(combined))
	}
	if c := combined[0]; c.Count != 3 || c.Message != "(combined from similar events): volume 12 failed" {
		t.Errorf("combined event count=%d message=%q", c.Count, c.Message)
	}
}

func TestSpamFilterLimitsEventsPerObject(t *testing.T) {
	cs, r, fc := setup(t)
	for i := 0; i < 30; i++ {
		r.Event(thePod, EventTypeNormal, fmt.Sprintf("Reason%d", i), "m")
	}
	r.Flush()
	if n := len(events(t, cs)); n != 25 {
		t.Fatalf("%d events, want the burst of 25", n)
	}
	fc.Step(5 * time.Minute)
	r.Event(thePod, EventTypeNormal, "Later", "m")
	r.Event(thePod, EventTypeNormal, "TooSoon", "m")
	r.Flush()
	if n := len(events(t, cs)); n != 26 {
		t.Errorf("%d events after 5 minutes, want one more", n)
	}
	other := thePod.DeepCopy()
	other.Name, other.UID = "web-2", "u2"
	r.Event(other, EventTypeNormal, "Other", "m")
	r.Flush()
	if n := len(events(t, cs)); n != 27 {
		t.Errorf("another object was filtered too (%d events)", n)
	}
	// warnings have their own bucket: the Normal storm does not drop them.
	r.Event(thePod, EventTypeWarning, "Unhealthy", "m")
	r.Flush()
	if n := len(events(t, cs)); n != 28 {
		t.Errorf("a Warning was filtered by the Normal events' bucket (%d events)", n)
	}
}

func TestEventfNeverBlocks(t *testing.T) {
	cs, r, _ := setup(t)
	release := make(chan struct{})
	cs.PrependReactor("create", "events", func(fake.Action) (bool, runtime.Object, error) {
		<-release
		return false, nil, nil
	})
	done := make(chan struct{})
	go func() {
		for i := 0; i < QueueSize+50; i++ {
			r.Eventf(thePod, EventTypeNormal, "R", "%d", i)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Eventf blocked on a stuck apiserver")
	}
	close(release)
}

func TestFakeRecorderFormatsEvents(t *testing.T) {
	f := NewFakeRecorder(1)
	f.Eventf(thePod, EventTypeNormal, "Scheduled", "assigned to %s", "n1")
	f.Event(thePod, EventTypeNormal, "Dropped", "buffer full")
	if got := <-f.Events; got != "Normal Scheduled assigned to n1" {
		t.Errorf("event = %q", got)
	}
	if len(f.Events) != 0 {
		t.Error("an event beyond the buffer was kept")
	}
}

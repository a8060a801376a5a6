package priority_test

import (
	"fmt"
	"os"
	"testing"

	corev1 "keel.dev/api/core/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/admission/internal/admissiontest"
	"keel.dev/keel/pkg/apiserver/admission/plugin/priority"
)

func TestMain(m *testing.M) {
	code := m.Run()
	admissiontest.Shutdown()
	os.Exit(code)
}

func TestPodPriorities(t *testing.T) {
	e := admissiontest.New(t, nil, []string{"ServiceAccount"})
	e.Namespace("pr")
	classes := schedulingv1.SchemeGroupVersion.WithResource("priorityclasses")
	never := corev1.PreemptNever
	pods := admissiontest.Core("pods")

	// No class at all: priority 0.
	out := e.MustCreate(pods, "pr", admissiontest.Pod("pr", "plain", nil, nil)).(*corev1.Pod)
	if out.Spec.Priority == nil || *out.Spec.Priority != 0 || out.Spec.PriorityClassName != "" {
		t.Fatalf("plain pod: priority %v class %q", out.Spec.Priority, out.Spec.PriorityClassName)
	}

	e.MustCreate(classes, "", &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "high"}, Value: 1000, PreemptionPolicy: &never})
	e.MustCreate(classes, "", &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "low"}, Value: 10, GlobalDefault: true})
	e.WaitCached(classes, "", "low")
	withClass := func(name, class string, prio *int32) *corev1.Pod {
		p := admissiontest.Pod("pr", name, nil, nil)
		p.Spec.PriorityClassName = class
		p.Spec.Priority = prio
		return p
	}
	wrong := int32(5)
	for _, tc := range []struct {
		name      string
		pod       *corev1.Pod
		wantPrio  int32
		wantClass string
		wantMsg   string
	}{
		{"named class", withClass("a", "high", nil), 1000, "high", ""},
		{"global default", withClass("b", "", nil), 10, "low", ""},
		{"built-in class", withClass("c", priority.SystemNodeCritical, nil), 2000001000, priority.SystemNodeCritical, ""},
		{"unknown class", withClass("d", "missing", nil), 0, "", `pods "d" is forbidden: no PriorityClass with name missing was found`},
		{"conflicting value", withClass("e", "high", &wrong), 0, "",
			`pods "e" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := e.Create(pods, "pr", tc.pod)
			if _, msg := admissiontest.Status(err); msg != tc.wantMsg {
				t.Fatalf("got %q, want %q", msg, tc.wantMsg)
			}
			if err != nil {
				return
			}
			p := obj.(*corev1.Pod)
			if p.Spec.Priority == nil || *p.Spec.Priority != tc.wantPrio || p.Spec.PriorityClassName != tc.wantClass {
				t.Fatalf("priority %v class %q", p.Spec.Priority, p.Spec.PriorityClassName)
			}
		})
	}
	a, err := e.Get(pods, "pr", "a")
	if err != nil {
		t.Fatal(err)
	}
	if pp := a.(*corev1.Pod).Spec.PreemptionPolicy; pp == nil || *pp != corev1.PreemptNever {
		t.Fatalf("preemption policy %v, want the class's Never", pp)
	}
}

func TestOnlyOneGlobalDefault(t *testing.T) {
	e := admissiontest.New(t, nil, []string{"ServiceAccount"})
	classes := schedulingv1.SchemeGroupVersion.WithResource("priorityclasses")
	e.MustCreate(classes, "", &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "first"}, Value: 1, GlobalDefault: true})
	e.MustCreate(classes, "", &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "second"}, Value: 2})
	want := `priorityclasses.scheduling.k8s.io "%s" is forbidden: PriorityClass first is already marked as default. Only one default can exist`
	_, err := e.Create(classes, "", &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "third"}, Value: 3, GlobalDefault: true})
	if code, msg := admissiontest.Status(err); code != 403 || msg != fmt.Sprintf(want, "third") {
		t.Fatalf("second default created: %d %q", code, msg)
	}
	_, err = e.Update(classes, "", "second", func(o runtime.Object) { o.(*schedulingv1.PriorityClass).GlobalDefault = true })
	if _, msg := admissiontest.Status(err); msg != fmt.Sprintf(want, "second") {
		t.Fatalf("marking another default: %q", msg)
	}
	if _, err := e.Update(classes, "", "first", func(o runtime.Object) { o.(*schedulingv1.PriorityClass).Description = "still the default" }); err != nil {
		t.Fatalf("updating the default itself: %v", err)
	}
}

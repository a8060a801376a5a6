package v1

import (
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/internal/testutil"
)

func TestPriorityClassDefaults(t *testing.T) {
	pc := &PriorityClass{}
	SetDefaults_PriorityClass(pc)
	if pc.PreemptionPolicy == nil || *pc.PreemptionPolicy != corev1.PreemptLowerPriority {
		t.Fatalf("preemptionPolicy = %v", pc.PreemptionPolicy)
	}
}

func TestValidatePriorityClass(t *testing.T) {
	pc := func(name string, value int32) *PriorityClass {
		c := &PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Value: value}
		SetDefaults_PriorityClass(c)
		return c
	}
	tests := []struct {
		name   string
		pc     *PriorityClass
		want   []string
		detail string
	}{
		{"a user class of one billion is valid", pc("high", 1000000000), nil, ""},
		{"a user class above one billion is refused", pc("too-high", 1000000001), []string{"value: FieldValueForbidden"}, "maximum allowed value of a user defined priority is 1000000000"},
		{"the system prefix is reserved", pc("system-mine", 10), []string{"metadata.name: FieldValueForbidden"}, "system-mine is not a known system priority class"},
		{"a built-in system class with its value is valid", pc(SystemNodeCritical, 2000001000), nil, ""},
		{"an unknown preemption policy is not supported", func() *PriorityClass {
			c := pc("odd", 1)
			c.PreemptionPolicy = testutil.Ptr(corev1.PreemptionPolicy("Sometimes"))
			return c
		}(), []string{"preemptionPolicy: FieldValueNotSupported"}, `"PreemptLowerPriority", "Never"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ExpectErrors(t, ValidatePriorityClass(tt.pc), tt.want, tt.detail)
		})
	}
}

func TestPriorityClassValueIsFixed(t *testing.T) {
	old := &PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "p", ResourceVersion: "1"}, Value: 1}
	upd := old.DeepCopy()
	upd.Value = 2
	testutil.ExpectErrors(t, ValidatePriorityClassUpdate(upd, old), []string{"value: FieldValueForbidden"}, "may not be changed in an update.")
}

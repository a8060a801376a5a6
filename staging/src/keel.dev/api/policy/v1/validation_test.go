package v1

import (
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"

	"keel.dev/api/internal/testutil"
)

func TestValidatePodDisruptionBudget(t *testing.T) {
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	pdb := func(spec PodDisruptionBudgetSpec) *PodDisruptionBudget {
		spec.Selector = sel
		return &PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}, Spec: spec}
	}
	two := testutil.Ptr(intstr.FromInt32(2))
	tests := []struct {
		name   string
		pdb    *PodDisruptionBudget
		want   []string
		detail string
	}{
		{"a budget with minAvailable is valid", pdb(PodDisruptionBudgetSpec{MinAvailable: two}), nil, ""},
		{"minAvailable and maxUnavailable together are refused", pdb(PodDisruptionBudgetSpec{MinAvailable: two, MaxUnavailable: two}), []string{"spec: FieldValueInvalid"}, "minAvailable and maxUnavailable cannot be both set"},
		{"a percentage above 100 is refused", pdb(PodDisruptionBudgetSpec{MaxUnavailable: testutil.Ptr(intstr.FromString("120%"))}), []string{"spec.maxUnavailable: FieldValueInvalid"}, "must not be greater than 100%"},
		{"a negative count is refused", pdb(PodDisruptionBudgetSpec{MinAvailable: testutil.Ptr(intstr.FromInt32(-1))}), []string{"spec.minAvailable: FieldValueInvalid"}, "must be greater than or equal to 0"},
		{"an unknown eviction policy is not supported", pdb(PodDisruptionBudgetSpec{UnhealthyPodEvictionPolicy: testutil.Ptr(UnhealthyPodEvictionPolicyType("Never"))}), []string{"spec.unhealthyPodEvictionPolicy: FieldValueNotSupported"}, `"AlwaysAllow", "IfHealthyBudget"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ExpectErrors(t, ValidatePodDisruptionBudget(tt.pdb), tt.want, tt.detail)
		})
	}
}

func TestValidateEviction(t *testing.T) {
	odd := metav1.DeletionPropagation("Sideways")
	tests := []struct {
		name   string
		ev     *Eviction
		want   []string
		detail string
	}{
		{"an eviction without options is valid", &Eviction{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}}, nil, ""},
		{"an unknown propagation policy is not supported", &Eviction{DeleteOptions: &metav1.DeleteOptions{PropagationPolicy: &odd}}, []string{"deleteOptions.propagationPolicy: FieldValueNotSupported"}, `"Foreground", "Background", "Orphan", "nil"`},
		{"a dry run other than All is not supported", &Eviction{DeleteOptions: &metav1.DeleteOptions{DryRun: []string{"Some"}}}, []string{"deleteOptions.dryRun[0]: FieldValueNotSupported"}, `"All"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ExpectErrors(t, ValidateEviction(tt.ev), tt.want, tt.detail)
		})
	}
}

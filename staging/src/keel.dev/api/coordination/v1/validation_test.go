package v1

import (
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/validation/field"

	"keel.dev/api/internal/testutil"
)

func TestValidateLease(t *testing.T) {
	lease := func(spec LeaseSpec) *Lease {
		return &Lease{ObjectMeta: metav1.ObjectMeta{Name: "kube-scheduler", Namespace: "kube-system"}, Spec: spec}
	}
	tests := []struct {
		name   string
		lease  *Lease
		want   []string
		detail string
	}{
		{"a held lease is valid", lease(LeaseSpec{HolderIdentity: testutil.Ptr("node-1"), LeaseDurationSeconds: testutil.Ptr(int32(15))}), nil, ""},
		{"a zero duration is refused", lease(LeaseSpec{LeaseDurationSeconds: testutil.Ptr(int32(0))}), []string{"spec.leaseDurationSeconds: FieldValueInvalid"}, "must be greater than 0"},
		{"negative transitions are refused", lease(LeaseSpec{LeaseTransitions: testutil.Ptr(int32(-1))}), []string{"spec.leaseTransitions: FieldValueInvalid"}, "must be greater than or equal to 0"},
		{"a preferred holder needs a strategy", lease(LeaseSpec{PreferredHolder: testutil.Ptr("node-2")}), []string{"spec.preferredHolder: FieldValueForbidden"}, "may only be specified if `strategy` is defined"},
		{"an unknown built-in strategy is not supported", lease(LeaseSpec{Strategy: testutil.Ptr(CoordinatedLeaseStrategy("Newest"))}), []string{"spec.strategy: FieldValueNotSupported"}, `"OldestEmulationVersion"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ExpectErrors(t, ValidateLease(tt.lease), tt.want, tt.detail)
		})
	}
}

func TestLeaseUpdateNeedsResourceVersion(t *testing.T) {
	old := &Lease{ObjectMeta: metav1.ObjectMeta{Name: "l", Namespace: "ns", ResourceVersion: "1"}}
	upd := old.DeepCopy()
	upd.ResourceVersion = ""
	errs := ValidateLeaseUpdate(upd, old)
	if len(errs) != 1 || errs[0].Field != "metadata.resourceVersion" || errs[0].Type != field.ErrorTypeInvalid {
		t.Fatalf("errors = %v", errs)
	}
}

package app

import (
	"errors"
	"testing"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/pkg/scheduler/framework"
)

func TestListerErrorsMapNotFoundForThePlugins(t *testing.T) {
	other := errors.New("connection refused")
	cases := []struct {
		name         string
		err          error
		wantNotFound bool
	}{
		{"a missing object is framework.ErrNotFound", apierrors.NewNotFound(schema.GroupResource{Resource: "persistentvolumeclaims"}, "data"), true},
		{"another error stays what it was", other, false},
		{"no error stays none", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := notFound(tc.err)
			if errors.Is(got, framework.ErrNotFound) != tc.wantNotFound {
				t.Fatalf("notFound(%v) = %v, ErrNotFound %v", tc.err, got, tc.wantNotFound)
			}
			if tc.err != nil && !errors.Is(got, tc.err) {
				t.Fatalf("notFound(%v) = %v lost the original error", tc.err, got)
			}
			if tc.err == nil && got != nil {
				t.Fatalf("notFound(nil) = %v", got)
			}
		})
	}
}

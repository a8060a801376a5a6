// Package testutil holds helpers shared by the API groups' tests.
package testutil

import (
	"reflect"
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Summary renders errors as "field: type" strings in order.
func Summary(errs field.ErrorList) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Field+": "+string(e.Type))
	}
	return out
}

// ExpectErrors fails t unless errs are exactly want (as "field: type") and,
// when detail is not empty, their text mentions detail.
func ExpectErrors(t *testing.T, errs field.ErrorList, want []string, detail string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got := Summary(errs); !reflect.DeepEqual(got, want) {
		t.Fatalf("errors = %v\nwant %v\n(%v)", got, want, errs)
	}
	if detail != "" && !strings.Contains(errs.ToAggregate().Error(), detail) {
		t.Errorf("errors %v do not mention %q", errs, detail)
	}
}

// Ptr returns a pointer to v.
func Ptr[T any](v T) *T { return &v }

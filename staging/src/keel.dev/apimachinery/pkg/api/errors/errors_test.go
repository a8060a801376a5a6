package errors

import (
	"fmt"
	"testing"

	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

func TestMessagesMatchKubernetes(t *testing.T) {
	apps := schema.GroupResource{Group: "apps", Resource: "deployments"}
	pods := schema.GroupResource{Resource: "pods"}
	cases := []struct {
		name   string
		err    *StatusError
		msg    string
		code   int32
		reason string
		is     func(error) bool
	}{
		{"a missing pod is NotFound with the resource name", NewNotFound(pods, "nosuch"), `pods "nosuch" not found`, 404, "NotFound", IsNotFound},
		{"a missing deployment names its group", NewNotFound(apps, "nosuch"), `deployments.apps "nosuch" not found`, 404, "NotFound", IsNotFound},
		{"a duplicate create is AlreadyExists", NewAlreadyExists(schema.GroupResource{Resource: "configmaps"}, "dup"), `configmaps "dup" already exists`, 409, "AlreadyExists", IsAlreadyExists},
		{"a stale update is a Conflict", NewConflict(schema.GroupResource{Resource: "configmaps"}, "dup", fmt.Errorf(OptimisticLockErrorMsg)),
			`Operation cannot be fulfilled on configmaps "dup": the object has been modified; please apply your changes to the latest version and try again`, 409, "Conflict", IsConflict},
		{"an unsupported patch type is 415", NewUnsupportedMediaType("application/json"), "415: Unsupported Media Type", 415, "UnsupportedMediaType", func(error) bool { return true }},
		{"a too old version is Expired", NewResourceExpired("too old resource version: 1 (16000)"), "too old resource version: 1 (16000)", 410, "Expired", IsResourceExpired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err.Error() != c.msg {
				t.Errorf("message = %q, want %q", c.err.Error(), c.msg)
			}
			st := c.err.Status()
			if st.Code != c.code || string(st.Reason) != c.reason || st.Kind != "Status" || st.Status != "Failure" {
				t.Errorf("status = %+v", st)
			}
			if !c.is(fmt.Errorf("wrapped: %w", c.err)) {
				t.Errorf("predicate does not see through wrapping")
			}
		})
	}
}

func TestInvalidCarriesCauses(t *testing.T) {
	errs := field.ErrorList{
		field.Invalid(field.NewPath("metadata", "name"), "Bad_Name", "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"),
		field.Required(field.NewPath("spec", "template", "spec", "containers"), ""),
	}
	err := NewInvalid(schema.GroupKind{Group: "apps", Kind: "Deployment"}, "Bad_Name", errs)
	want := `Deployment.apps "Bad_Name" is invalid: [metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, spec.template.spec.containers: Required value]`
	if err.Error() != want {
		t.Fatalf("message\n got %s\nwant %s", err.Error(), want)
	}
	d := err.Status().Details
	if d.Kind != "Deployment" || d.Group != "apps" || len(d.Causes) != 2 {
		t.Fatalf("details = %+v", d)
	}
	if d.Causes[1].Type != "FieldValueRequired" || d.Causes[1].Field != "spec.template.spec.containers" || d.Causes[1].Message != "Required value" {
		t.Fatalf("cause = %+v", d.Causes[1])
	}
	if !IsInvalid(err) || err.Status().Code != 422 {
		t.Fatal("not a 422 Invalid")
	}
}

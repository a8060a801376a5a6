package cmd

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"keel.dev/keel/pkg/ctl/client"
)

func TestFormatError(t *testing.T) {
	invalid := `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Deployment.apps \"x\" is invalid: [a: Required value, b: Invalid value: 1: bad]","reason":"Invalid","details":{"name":"x","group":"apps","kind":"Deployment","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"a"},{"reason":"FieldValueInvalid","message":"Invalid value: 1: bad","field":"b"}]},"code":422}`
	one := `{"kind":"Status","status":"Failure","message":"m","reason":"Invalid","details":{"name":"x","kind":"Pod","causes":[{"message":"Required value","field":"spec.containers"}]},"code":422}`
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"a NotFound status names its reason", client.StatusErrorFor(404, []byte(`{"kind":"Status","message":"pods \"x\" not found","reason":"NotFound","code":404}`)),
			"Error from server (NotFound): pods \"x\" not found\n"},
		{"several invalid causes are listed", client.StatusErrorFor(422, []byte(invalid)),
			"The Deployment \"x\" is invalid: \n* a: Required value\n* b: Invalid value: 1: bad\n"},
		{"one invalid cause stays on one line", client.StatusErrorFor(422, []byte(one)),
			"The Pod \"x\" is invalid: spec.containers: Required value\n"},
		{"a body that is not a Status gets a generic message", client.StatusErrorFor(503, []byte("overloaded")),
			"Error from server (ServiceUnavailable): the server is currently unable to handle the request (overloaded)\n"},
		{"a refused connection uses kubectl's wording", &client.ConnectionError{Host: "127.0.0.1:6443", Err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED)},
			"The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n"},
		{"a plain error gets the error prefix", errors.New("boom"), "error: boom\n"},
		{"an aggregate prints every error", Aggregate{errors.New("a"), errors.New("b")}, "error: a\nerror: b\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatError(tc.err); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

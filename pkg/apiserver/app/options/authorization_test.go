package options

import (
	"errors"
	"reflect"
	"testing"

	"github.com/spf13/pflag"
)

func TestAuthorizationModeFlag(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want []string
		err  string
	}{
		{"the default is AlwaysAllow", nil, []string{"AlwaysAllow"}, ""},
		{"a comma-separated list keeps its order", []string{"--authorization-mode=Node,RBAC"}, []string{"Node", "RBAC"}, ""},
		{"an unknown mode is named", []string{"--authorization-mode=RBAC,Magic"}, nil, `authorization-mode "Magic" is not a valid mode`},
		{"Kubernetes modes Keel lacks are refused", []string{"--authorization-mode=Webhook"}, nil,
			`authorization-mode "Webhook" is not supported by Keel (supported: AlwaysAllow,AlwaysDeny,RBAC,Node)`},
		{"a repeated mode is refused", []string{"--authorization-mode=RBAC,RBAC"}, nil, `authorization-mode ["RBAC" "RBAC"] has mode specified more than once`},
		{"an empty list is refused", []string{"--authorization-mode="}, nil, "at least one authorization-mode must be passed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := NewOptions()
			fs := pflag.NewFlagSet("apiserver", pflag.ContinueOnError)
			o.AddFlags(fs)
			if err := fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			cfg, err := o.Config()
			if c.err != "" {
				if err == nil || !containsLine(err, c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.AuthorizationModes, c.want) {
				t.Errorf("modes = %q, want %q", cfg.AuthorizationModes, c.want)
			}
		})
	}
}

// containsLine reports whether one of the joined errors reads msg.
func containsLine(err error, msg string) bool {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if containsLine(e, msg) {
				return true
			}
		}
		return false
	}
	return err.Error() == msg || errors.Unwrap(err) != nil && containsLine(errors.Unwrap(err), msg)
}

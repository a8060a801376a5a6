package options

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestAdmissionPluginFlags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "kubernetes names", args: []string{"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,NodeRestriction", "--disable-admission-plugins=ResourceQuota"}},
		{name: "unknown plugin", args: []string{"--enable-admission-plugins=Nope"}, wantErr: `enable-admission-plugins plugin "Nope" is unknown`},
		{name: "both lists", args: []string{"--enable-admission-plugins=Priority", "--disable-admission-plugins=Priority"}, wantErr: "overlapped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := NewOptions()
			fs := pflag.NewFlagSet("apiserver", pflag.ContinueOnError)
			o.AddFlags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			c, err := o.Config()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.EnableAdmissionPlugins, []string{"NamespaceLifecycle", "LimitRanger", "NodeRestriction"}) ||
				!slices.Equal(c.DisableAdmissionPlugins, []string{"ResourceQuota"}) {
				t.Fatalf("config %v %v", c.EnableAdmissionPlugins, c.DisableAdmissionPlugins)
			}
		})
	}
}

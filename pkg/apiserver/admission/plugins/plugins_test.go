package plugins_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/admission/internal/admissiontest"
	"keel.dev/keel/pkg/apiserver/admission/plugins"
)

func TestMain(m *testing.M) {
	code := m.Run()
	admissiontest.Shutdown()
	os.Exit(code)
}

func TestSelect(t *testing.T) {
	for _, tc := range []struct {
		name             string
		enable, disable  []string
		wantMissing      []string
		wantExtra        []string
		wantIgnored      []string
		wantErrSubstring string
	}{
		{name: "defaults"},
		{name: "disable one", disable: []string{"ResourceQuota"}, wantMissing: []string{"ResourceQuota"}},
		{name: "kubernetes-only names are ignored", enable: []string{"PodSecurity", "AlwaysPullImages"}, wantIgnored: []string{"AlwaysPullImages", "PodSecurity"}},
		{name: "NodeRestriction is off by default and can be enabled", enable: []string{"NodeRestriction"}, wantExtra: []string{"NodeRestriction"}},
		{name: "unknown name", enable: []string{"Bogus"}, wantErrSubstring: `enable-admission-plugins plugin "Bogus" is unknown`},
		{name: "overlap", enable: []string{"LimitRanger"}, disable: []string{"LimitRanger"}, wantErrSubstring: "LimitRanger in enable-admission-plugins and disable-admission-plugins overlapped"},
		{name: "registry step cannot be disabled", disable: []string{plugins.DefaultTolerationSeconds}, wantErrSubstring: "cannot be disabled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := plugins.Select(tc.enable, tc.disable)
			if tc.wantErrSubstring != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrSubstring) {
					t.Fatalf("err %v, want %q", err, tc.wantErrSubstring)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range plugins.Ordered {
				want := (slices.Contains(plugins.DefaultEnabled, n) || slices.Contains(tc.wantExtra, n)) && !slices.Contains(tc.wantMissing, n)
				if sel.Has(n) != want {
					t.Errorf("%s enabled=%v", n, sel.Has(n))
				}
			}
			if slices.Contains(plugins.DefaultEnabled, "NodeRestriction") {
				t.Error("NodeRestriction is enabled by default")
			}
			if !slices.Equal(sel.Ignored, tc.wantIgnored) {
				t.Errorf("ignored %v, want %v", sel.Ignored, tc.wantIgnored)
			}
		})
	}
}

func TestNamespaceLifecycleCanBeDisabled(t *testing.T) {
	ns := func(e *admissiontest.Env) error {
		_, err := e.Create(admissiontest.Core("configmaps"), "nowhere", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c"}})
		return err
	}
	on := admissiontest.New(t, nil, nil)
	if code, msg := admissiontest.Status(ns(on)); code != 404 || msg != `namespaces "nowhere" not found` {
		t.Fatalf("with NamespaceLifecycle: %d %q", code, msg)
	}
	off := admissiontest.New(t, nil, []string{plugins.NamespaceLifecycle})
	if err := ns(off); err != nil {
		t.Fatalf("without NamespaceLifecycle: %v", err)
	}
}

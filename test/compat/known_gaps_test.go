package compat

import (
	"reflect"
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// knownGaps lists differences from Kubernetes that are known and reported
// to the owners of the types, by a substring of the problem line. They are
// logged instead of failing. Keep it short: every entry is a bug.
var knownGaps = map[string]string{
	"batch/v1.JobSpec: missing fields": "JobSpec.Scheduling refers to the alpha scheduling.k8s.io/v1alpha3 group, which Keel does not serve",
}

// knownGap reports whether problem is a listed known gap, and why.
func knownGap(problem string) (string, bool) {
	for k, reason := range knownGaps {
		if strings.Contains(problem, k) {
			return reason, true
		}
	}
	return "", false
}

// creationTimestampGap reports whether Keel's ObjectMeta still writes a
// zero creationTimestamp as null where Kubernetes 1.37 omits it (omitzero).
// While it does, JSON comparisons drop that null from Keel's side.
func creationTimestampGap() bool {
	f, _ := reflect.TypeFor[metav1.ObjectMeta]().FieldByName("CreationTimestamp")
	return !strings.Contains(f.Tag.Get("json"), "omitzero")
}

// applyJSONGaps removes from got the differences listed as known gaps.
func applyJSONGaps(t *testing.T, want, got any) {
	t.Helper()
	if !creationTimestampGap() {
		return
	}
	var walk func(w, g any)
	walk = func(w, g any) {
		switch g := g.(type) {
		case map[string]any:
			wm, _ := w.(map[string]any)
			if v, ok := g["creationTimestamp"]; ok && v == nil {
				if _, inWant := wm["creationTimestamp"]; !inWant {
					delete(g, "creationTimestamp")
				}
			}
			for k, v := range g {
				walk(wm[k], v)
			}
		case []any:
			wl, _ := w.([]any)
			for i, v := range g {
				var wv any
				if i < len(wl) {
					wv = wl[i]
				}
				walk(wv, v)
			}
		}
	}
	walk(want, got)
}

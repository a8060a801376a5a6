package compat

import "strings"

// knownGaps lists differences from Kubernetes that are known and reported
// to the owners of the types, by a substring of the problem line. They are
// logged instead of failing. Keep it short: every entry is a bug.
var knownGaps = map[string]string{
	"batch/v1.JobSpec: missing fields":                    "JobSpec.Scheduling refers to the alpha scheduling.k8s.io/v1alpha3 group, which Keel does not serve",
	"authorization/v1.ResourceAttributes: missing fields": "access reviews do not take field and label selectors yet (metav1 has no FieldSelectorRequirement)",
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

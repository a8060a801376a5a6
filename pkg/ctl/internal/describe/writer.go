package describe

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// maxAnnotationLen is how long an annotation line may be before describe
// breaks it onto its own line and cuts it.
const maxAnnotationLen = 140

// lines writes indented text, remembering the first write error.
type lines struct {
	w   io.Writer
	err error
}

// put writes format at level (two spaces per level).
func (l *lines) put(level int, format string, a ...any) {
	if l.err != nil {
		return
	}
	if level > 0 {
		_, l.err = io.WriteString(l.w, strings.Repeat("  ", level))
		if l.err != nil {
			return
		}
	}
	_, l.err = fmt.Fprintf(l.w, format, a...)
}

// keyValues writes "title:\tk=v" with one pair per line, continuation lines
// starting with a tab, or "<none>" when m is empty. title carries its own
// indentation.
func (l *lines) keyValues(title string, m map[string]string) {
	l.put(0, "%s:\t", title)
	if len(m) == 0 {
		l.put(0, "<none>\n")
		return
	}
	for i, k := range sortedKeys(m) {
		if i > 0 {
			l.put(0, "\t")
		}
		l.put(0, "%s=%s\n", k, m[k])
	}
}

// annotations writes annotations as describe does: "key: value", with long
// or multi-line values moved under the key and cut at maxAnnotationLen.
func (l *lines) annotations(title string, m map[string]string) {
	l.put(0, "%s:\t", title)
	keys := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		if k != lastAppliedAnnotation {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		l.put(0, "<none>\n")
		return
	}
	for i, k := range keys {
		if i > 0 {
			l.put(0, "\t")
		}
		v := strings.TrimSuffix(m[k], "\n")
		if len(k)+len(v)+2 <= maxAnnotationLen && !strings.Contains(v, "\n") {
			l.put(0, "%s: %s\n", k, v)
			continue
		}
		l.put(0, "%s:\n", k)
		for _, part := range strings.Split(v, "\n") {
			l.put(0, "\t  %s\n", cut(part, maxAnnotationLen-2))
		}
	}
}

// lastAppliedAnnotation is hidden from describe output.
const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

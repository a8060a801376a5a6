package disruption

import (
	"strings"

	"keel.dev/apimachinery/pkg/labels"
)

func everything() labels.Selector { return labels.Everything() }

func labelSet(m map[string]string) labels.Set { return labels.Set(m) }

func splitKey(k string) (string, string) {
	ns, name, ok := strings.Cut(k, "/")
	if !ok {
		return "", k
	}
	return ns, name
}

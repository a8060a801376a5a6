// Package history holds what the DaemonSet and StatefulSet controllers
// share about ControllerRevisions: the name hash of a pod template and the
// template patch a revision stores.
package history

import (
	"encoding/json"
	"hash/fnv"
	"strconv"

	corev1 "keel.dev/api/core/v1"
)

// hashAlphabet avoids vowels and look-alike characters, as Kubernetes' hashes do.
const hashAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// TemplateHash names a pod template (and collision count): FNV-32a over
// its JSON, each decimal digit mapped into the safe alphabet. Revision
// names depend on it, so it must not change between releases.
func TemplateHash(t *corev1.PodTemplateSpec, collisions *int32) string {
	h := fnv.New32a()
	b, _ := json.Marshal(t) // a template always marshals
	h.Write(b)
	if collisions != nil {
		h.Write([]byte(strconv.Itoa(int(*collisions))))
	}
	digits := strconv.FormatUint(uint64(h.Sum32()), 10)
	out := make([]byte, len(digits))
	for i := range digits {
		out[i] = hashAlphabet[int(digits[i])%len(hashAlphabet)]
	}
	return string(out)
}

// TemplatePatch is the data of a ControllerRevision: a strategic merge
// patch that replaces spec.template with t, as `rollout undo` applies it.
func TemplatePatch(t *corev1.PodTemplateSpec) ([]byte, error) {
	raw, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	m["$patch"] = "replace"
	return json.Marshal(map[string]any{"spec": map[string]any{"template": m}})
}

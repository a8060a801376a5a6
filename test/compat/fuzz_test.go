package compat

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8scorev1 "k8s.io/api/core/v1"

	corev1 "keel.dev/api/core/v1"
	keelproto "keel.dev/apimachinery/pkg/runtime/serializer/protobuf"
)

// slowForKubernetes matches quantity exponents that make Kubernetes'
// resource.ParseQuantity compute huge powers of ten.
var slowForKubernetes = regexp.MustCompile(`[eE][-+]?[0-9]{3,}`)

// FuzzPodProtobufDecode decodes arbitrary bytes as a Pod with Keel's codec
// and Kubernetes' generated code: Keel must never panic, and when both
// accept the bytes they must agree on the object.
func FuzzPodProtobufDecode(f *testing.F) {
	if golden, err := os.ReadFile("testdata/pod.pb"); err == nil {
		if unk, err := keelproto.ParseEnvelope(golden); err == nil {
			f.Add(unk.Raw)
		}
	}
	f.Add([]byte{0x0a, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		var ours corev1.Pod
		oerr := keelproto.Unmarshal(data, &ours)
		if slowForKubernetes.Match(data) {
			// Kubernetes' ParseQuantity takes minutes on "1E-999999999".
			return
		}
		var theirs k8scorev1.Pod
		kerr := theirs.Unmarshal(data)
		if oerr != nil || kerr != nil {
			return
		}
		oj, err := json.Marshal(&ours)
		if err != nil {
			return
		}
		kj, err := json.Marshal(&theirs)
		if err != nil {
			return
		}
		var o, k any
		if json.Unmarshal(oj, &o) != nil || json.Unmarshal(kj, &k) != nil {
			return
		}
		if d := cmp.Diff(k, o); d != "" {
			t.Fatalf("Keel and Kubernetes decode %x differently (-Kubernetes +Keel):\n%s", data, d)
		}
	})
}

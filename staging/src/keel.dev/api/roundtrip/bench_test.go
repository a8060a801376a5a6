package roundtrip

import (
	"encoding/json"
	"testing"

	corev1 "keel.dev/api/core/v1"
)

// BenchmarkDecodePod decodes the Pod fixture (about 18 KB of JSON) through
// the serializer, leniently and with strict field validation, next to plain
// encoding/json (case-insensitive, no kind lookup) as the reference.
func BenchmarkDecodePod(b *testing.B) {
	data := readFixture(b, "pod.json")
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var pod corev1.Pod
			if err := json.Unmarshal(data, &pod); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, strict := range []bool{false, true} {
		name := "lenient"
		if strict {
			name = "strict"
		}
		s := serializer(b, false, strict)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				obj, _, err := s.Decode(data, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				if obj.(*corev1.Pod).Name == "" {
					b.Fatal("decoded a pod without a name")
				}
			}
		})
	}
}

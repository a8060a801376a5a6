package compat

import (
	"bytes"
	"fmt"
	"testing"

	k8scorev1 "k8s.io/api/core/v1"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sproto "k8s.io/apimachinery/pkg/runtime/serializer/protobuf"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/runtime"
	keeljson "keel.dev/apimachinery/pkg/runtime/serializer/json"
	keelproto "keel.dev/apimachinery/pkg/runtime/serializer/protobuf"
)

const benchPods = 5000

// benchPodLists returns the same 5,000-pod list as Kubernetes' and Keel's
// types: each pod the fully populated test pod with its own name.
func benchPodLists(b *testing.B) (*k8scorev1.PodList, *corev1.PodList) {
	b.Helper()
	kl := &k8scorev1.PodList{}
	kl.APIVersion, kl.Kind = "v1", "PodList"
	kl.ResourceVersion = "123456"
	for i := 0; i < benchPods; i++ {
		p := k8sPod()
		p.TypeMeta = k8smeta.TypeMeta{}
		p.Name = fmt.Sprintf("web-%05d", i)
		kl.Items = append(kl.Items, *p)
	}
	ours := &corev1.PodList{}
	toKeel(b, kl, ours)
	return kl, ours
}

func encodeOnce(b *testing.B, enc runtime.Encoder, obj runtime.Object) []byte {
	var buf bytes.Buffer
	if err := enc.Encode(obj, &buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkPodList(b *testing.B) {
	kl, ours := benchPodLists(b)
	scheme := keelScheme(b)
	ks := k8sScheme(b)
	codecs := []struct {
		name string
		enc  runtime.Serializer
	}{
		{"KeelProtobuf", keelproto.NewSerializer(scheme)},
		{"KeelJSON", keeljson.NewSerializer(scheme, keeljson.Options{})},
	}
	for _, c := range codecs {
		data := encodeOnce(b, c.enc, ours)
		b.Run(c.name+"/Encode", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := c.enc.Encode(ours, &buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "bytes/list")
		})
		b.Run(c.name+"/Decode", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := c.enc.Decode(data, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	kser := k8sproto.NewSerializer(ks, ks)
	var kbuf bytes.Buffer
	if err := kser.Encode(kl, &kbuf); err != nil {
		b.Fatal(err)
	}
	kdata := kbuf.Bytes()
	b.Run("KubernetesProtobuf/Encode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(kdata)))
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := kser.Encode(kl, &buf); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(kdata)), "bytes/list")
	})
	b.Run("KubernetesProtobuf/Decode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(kdata)))
		for b.Loop() {
			if _, _, err := kser.Decode(kdata, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

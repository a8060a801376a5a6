package compat

import (
	"bytes"
	"testing"

	k8scorev1 "k8s.io/api/core/v1"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	k8sjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	k8sproto "k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	k8sstreaming "k8s.io/apimachinery/pkg/runtime/serializer/streaming"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer"
)

// k8sWatchStream writes events the way kube-apiserver does: each object
// encoded by the media type's serializer into a WatchEvent's raw object,
// the event written by the stream serializer through the framer.
func k8sWatchStream(t *testing.T, ks *k8sruntime.Scheme, mediaType string, events []string, objs []k8sruntime.Object) []byte {
	t.Helper()
	var embedded, stream k8sruntime.Encoder
	var framer k8sruntime.Framer
	switch mediaType {
	case runtime.ContentTypeProtobuf:
		embedded, stream, framer = k8sproto.NewSerializer(ks, ks), k8sproto.NewRawSerializer(ks, ks), k8sproto.LengthDelimitedFramer
	default:
		s := k8sjson.NewSerializerWithOptions(k8sjson.DefaultMetaFactory, ks, ks, k8sjson.SerializerOptions{})
		embedded, stream, framer = s, s, k8sjson.Framer
	}
	var out bytes.Buffer
	enc := k8sstreaming.NewEncoder(framer.NewFrameWriter(&out), stream)
	for i, ev := range events {
		var raw bytes.Buffer
		if err := embedded.Encode(objs[i], &raw); err != nil {
			t.Fatal(err)
		}
		if err := enc.Encode(&k8smeta.WatchEvent{Type: ev, Object: k8sruntime.RawExtension{Raw: raw.Bytes()}}); err != nil {
			t.Fatal(err)
		}
	}
	return out.Bytes()
}

func TestWatchStreamsMatchKubernetes(t *testing.T) {
	ks := k8sScheme(t)
	factory := serializer.NewCodecFactory(keelScheme(t))
	pod := k8sPod()
	status := &k8smeta.Status{TypeMeta: k8smeta.TypeMeta{APIVersion: "v1", Kind: "Status"}, Status: "Failure", Reason: "Expired", Code: 410, Message: "too old resource version: 1 (5)"}
	events := []string{"ADDED", "MODIFIED", "ERROR"}
	k8sObjs := []k8sruntime.Object{pod, pod, status}
	for _, mt := range []string{runtime.ContentTypeProtobuf, runtime.ContentTypeJSON} {
		t.Run(mt, func(t *testing.T) {
			want := k8sWatchStream(t, ks, mt, events, k8sObjs)
			var keelPod corev1.Pod
			toKeel(t, pod, &keelPod)
			keelStatus, _, err := factory.UniversalDeserializer().Decode(mustJSON(t, status), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			enc, err := factory.NewWatchEncoder(&got, mt)
			if err != nil {
				t.Fatal(err)
			}
			for i, obj := range []runtime.Object{&keelPod, &keelPod, keelStatus} {
				if err := enc.Encode(events[i], obj); err != nil {
					t.Fatal(err)
				}
			}
			if mt == runtime.ContentTypeProtobuf && !bytes.Equal(want, got.Bytes()) {
				t.Errorf("the protobuf watch stream differs from Kubernetes' (%d vs %d bytes)", len(want), got.Len())
			}
			if mt == runtime.ContentTypeJSON {
				wl := bytes.Split(bytes.TrimSpace(want), []byte("\n"))
				gl := bytes.Split(bytes.TrimSpace(got.Bytes()), []byte("\n"))
				if len(wl) != len(gl) {
					t.Fatalf("%d lines, Kubernetes wrote %d", len(gl), len(wl))
				}
				for i := range wl {
					requireSameJSON(t, "watch line", wl[i], gl[i])
				}
			}

			// Keel reads Kubernetes' stream.
			dec, err := factory.NewWatchDecoder(bytes.NewReader(want), mt)
			if err != nil {
				t.Fatal(err)
			}
			for i, ev := range events {
				typ, obj, err := dec.Decode(nil)
				if err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
				if typ != ev {
					t.Errorf("event %d type %s, want %s", i, typ, ev)
				}
				if i < 2 {
					requireSameJSON(t, "watched pod", mustJSON(t, pod), mustJSON(t, obj))
				} else if st, ok := obj.(*metav1.Status); !ok || st.Code != 410 || st.Reason != metav1.StatusReasonExpired {
					t.Errorf("ERROR event object %#v", obj)
				}
			}

			// Kubernetes reads Keel's stream.
			var framer k8sruntime.Framer = k8sproto.LengthDelimitedFramer
			var raw, embedded k8sruntime.Decoder = k8sproto.NewRawSerializer(ks, ks), k8sproto.NewSerializer(ks, ks)
			if mt == runtime.ContentTypeJSON {
				s := k8sjson.NewSerializerWithOptions(k8sjson.DefaultMetaFactory, ks, ks, k8sjson.SerializerOptions{})
				framer, raw, embedded = k8sjson.Framer, s, s
			}
			kdec := k8sstreaming.NewDecoder(framer.NewFrameReader(nopCloser{bytes.NewReader(got.Bytes())}), raw)
			for i, ev := range events {
				var we k8smeta.WatchEvent
				if _, _, err := kdec.Decode(nil, &we); err != nil {
					t.Fatalf("Kubernetes reading event %d: %v", i, err)
				}
				obj, _, err := embedded.Decode(we.Object.Raw, nil, nil)
				if err != nil || we.Type != ev {
					t.Fatalf("Kubernetes decoded event %d as %s %v (%v)", i, we.Type, obj, err)
				}
				if p, ok := obj.(*k8scorev1.Pod); i < 2 && (!ok || p.Name != pod.Name) {
					t.Errorf("event %d: %T", i, obj)
				}
			}
		})
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

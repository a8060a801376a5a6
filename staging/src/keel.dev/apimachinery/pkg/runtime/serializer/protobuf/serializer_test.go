package protobuf

import (
	"bytes"
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

func testScheme(t testing.TB) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := metav1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSerializerWritesTheEnvelope(t *testing.T) {
	s := NewSerializer(testScheme(t))
	var buf bytes.Buffer
	if err := s.Encode(&metav1.Status{Code: 404}, &buf); err != nil {
		t.Fatal(err)
	}
	// magic, typeMeta {apiVersion "v1", kind "Status"}, raw {metadata
	// {selfLink "", resourceVersion "", continue ""}, status "", message "",
	// reason "", code 404}, contentEncoding "", contentType "".
	want := hexOf(t, "6b387300 0a0c 0a027631 1206537461747573 1211 0a06 0a00 1200 1a00 1200 1a00 2200 309403 1a00 2200")
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("Encode:\n got %x\nwant %x", buf.Bytes(), want)
	}
}

func TestSerializerDecodes(t *testing.T) {
	scheme := testScheme(t)
	s := NewSerializer(scheme)
	var buf bytes.Buffer
	in := &metav1.DeleteOptions{PropagationPolicy: ptrTo(metav1.DeletePropagationForeground), DryRun: []string{"All"}}
	in.SetGroupVersionKind(metav1.SchemeGroupVersion.WithKind("DeleteOptions"))
	if err := s.Encode(in, &buf); err != nil {
		t.Fatal(err)
	}
	t.Run("with no target the scheme creates the envelope's kind", func(t *testing.T) {
		obj, gvk, err := s.Decode(buf.Bytes(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		out, ok := obj.(*metav1.DeleteOptions)
		if !ok || *out.PropagationPolicy != metav1.DeletePropagationForeground || out.DryRun[0] != "All" {
			t.Fatalf("decoded %#v", obj)
		}
		if *gvk != in.GroupVersionKind() || out.Kind != "DeleteOptions" {
			t.Errorf("kind = %v, TypeMeta %+v", gvk, out.TypeMeta)
		}
	})
	t.Run("a target of the right type is filled", func(t *testing.T) {
		into := &metav1.DeleteOptions{GracePeriodSeconds: ptrTo(int64(3))}
		obj, _, err := s.Decode(buf.Bytes(), nil, into)
		if err != nil || obj != into || into.GracePeriodSeconds != nil {
			t.Fatalf("Decode into = %v, %v (stale fields must be reset: %v)", obj, err, into.GracePeriodSeconds)
		}
	})
	t.Run("a runtime.Unknown receives the envelope", func(t *testing.T) {
		var u runtime.Unknown
		if _, _, err := s.Decode(buf.Bytes(), nil, &u); err != nil {
			t.Fatal(err)
		}
		if u.Kind != "DeleteOptions" || u.APIVersion != "meta.k8s.io/v1" || len(u.Raw) == 0 {
			t.Errorf("Unknown = %+v", u)
		}
		var again bytes.Buffer
		if err := s.Encode(&u, &again); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
			t.Errorf("re-encoding the Unknown: %x, %v", again.Bytes(), err)
		}
	})
	t.Run("defaults fill an envelope without a kind", func(t *testing.T) {
		raw, _ := Marshal(&metav1.Status{Message: "m"})
		data := appendEnvelope(nil, "", "", raw, "", "")
		obj, _, err := s.Decode(data, &schema.GroupVersionKind{Version: "v1", Kind: "Status"}, nil)
		if err != nil || obj.(*metav1.Status).Message != "m" {
			t.Fatalf("Decode = %v, %v", obj, err)
		}
	})
}

func TestSerializerRejectsBadInput(t *testing.T) {
	s := NewSerializer(testScheme(t))
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty input":              {nil, "empty data"},
		"JSON":                     {[]byte(`{"kind":"Status"}`), "prefix"},
		"only the magic":           {Magic, "empty body"},
		"a truncated envelope":     {append(append([]byte{}, Magic...), 0x0a, 0x10, 0x0a), "envelope"},
		"an unknown kind":          {appendEnvelope(nil, "v1", "Nope", nil, "", ""), "Nope"},
		"an envelope with no kind": {appendEnvelope(nil, "v1", "", nil, "", ""), "no kind"},
		"a malformed payload":      {appendEnvelope(nil, "v1", "Status", []byte{0x0a, 0x05}, "", ""), "Status"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := s.Decode(c.data, nil, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Decode error = %v, want one mentioning %q", err, c.want)
			}
		})
	}
	if err := s.Encode(&metav1.Table{}, &bytes.Buffer{}); !IsNotMarshalable(err) {
		t.Errorf("Encode(Table) = %v, want a NotMarshalableError", err)
	}
}

func TestRawSerializerNeedsAKind(t *testing.T) {
	s := NewRawSerializer(testScheme(t))
	var buf bytes.Buffer
	if err := s.Encode(&metav1.WatchEvent{Type: "ADDED", Object: runtime.RawExtension{Raw: []byte("x")}}, &buf); err != nil {
		t.Fatal(err)
	}
	if want := hexOf(t, "0a054144444544 1203 0a0178"); !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("Encode = %x, want %x", buf.Bytes(), want)
	}
	var ev metav1.WatchEvent
	if _, _, err := s.Decode(buf.Bytes(), nil, &ev); err != nil || ev.Type != "ADDED" || string(ev.Object.Raw) != "x" {
		t.Fatalf("Decode = %+v, %v", ev, err)
	}
	if _, _, err := s.Decode(buf.Bytes(), nil, nil); err == nil {
		t.Error("Decode without into or defaults succeeded")
	}
}

func FuzzProtobufDecode(f *testing.F) {
	in := populated()
	seed, _ := Marshal(&in)
	f.Add(seed)
	meta := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{
		Name: "n", Labels: map[string]string{"a": "b"}, CreationTimestamp: metav1.Unix(5, 0),
		OwnerReferences: []metav1.OwnerReference{{Name: "o", Controller: ptrTo(true)}},
		ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "m", FieldsV1: &metav1.FieldsV1{Raw: []byte("{}")}}},
	}}
	metaSeed, _ := Marshal(meta)
	f.Add(metaSeed)
	env, _ := NewSerializer(testScheme(f)).AppendEncode(nil, &metav1.Status{Code: 1})
	f.Add(env)
	f.Add([]byte{})
	s := NewSerializer(testScheme(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a sample
		if Unmarshal(data, &a) == nil {
			// Whatever decodes must encode again.
			if _, err := Marshal(&a); err != nil {
				t.Fatalf("re-encode: %v", err)
			}
		}
		var m metav1.PartialObjectMetadata
		_ = Unmarshal(data, &m)
		_, _, _ = s.Decode(append(append([]byte{}, Magic...), data...), nil, nil)
	})
}

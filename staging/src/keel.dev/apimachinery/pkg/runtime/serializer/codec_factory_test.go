package serializer

import (
	"bytes"
	"errors"
	"io"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

func testFactory(t *testing.T) *CodecFactory {
	t.Helper()
	s := runtime.NewScheme()
	if err := metav1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	metav1.AddToGroupVersion(s, schema.GroupVersion{Version: "v1"})
	return NewCodecFactory(s)
}

func TestSerializerForMediaType(t *testing.T) {
	f := testFactory(t)
	for mt, want := range map[string]string{
		"application/json":                                 runtime.ContentTypeJSON,
		"application/json; charset=utf-8":                  runtime.ContentTypeJSON,
		"application/yaml":                                 runtime.ContentTypeYAML,
		"application/vnd.kubernetes.protobuf":              runtime.ContentTypeProtobuf,
		"application/vnd.kubernetes.protobuf;stream=watch": runtime.ContentTypeProtobuf,
		"text/plain":                                       "",
	} {
		info, ok := f.SerializerForMediaType(mt)
		if ok != (want != "") || info.MediaType != want {
			t.Errorf("SerializerForMediaType(%q) = %q, %v", mt, info.MediaType, ok)
		}
	}
	if n := len(f.SupportedMediaTypes()); n != 3 {
		t.Errorf("%d media types", n)
	}
}

func TestNegotiate(t *testing.T) {
	f := testFactory(t)
	cases := []struct {
		name, accept, want, as string
		ok                     bool
	}{
		{"no header means JSON", "", runtime.ContentTypeJSON, "", true},
		{"kubectl get asks for a Table", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json", runtime.ContentTypeJSON, "Table", true},
		{"client-go prefers protobuf", "application/vnd.kubernetes.protobuf,application/json", runtime.ContentTypeProtobuf, "", true},
		{"quality orders the entries", "application/json;q=0.5,application/yaml", runtime.ContentTypeYAML, "", true},
		{"a wildcard means JSON", "text/html, */*", runtime.ContentTypeJSON, "", true},
		{"nothing supported", "text/html", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, at, ok := f.Negotiate(c.accept)
			if ok != c.ok || info.MediaType != c.want || at.Params["as"] != c.as {
				t.Errorf("Negotiate = %q %v %v", info.MediaType, at, ok)
			}
		})
	}
}

func TestUniversalDeserializerRecognizesEachFormat(t *testing.T) {
	f := testFactory(t)
	st := &metav1.Status{Message: "m", Code: 410}
	for _, mt := range []string{runtime.ContentTypeJSON, runtime.ContentTypeYAML, runtime.ContentTypeProtobuf} {
		info, _ := f.SerializerForMediaType(mt)
		var buf bytes.Buffer
		if err := info.Serializer.Encode(st, &buf); err != nil {
			t.Fatal(err)
		}
		obj, gvk, err := f.UniversalDeserializer().Decode(buf.Bytes(), nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", mt, err)
		}
		if got := obj.(*metav1.Status); got.Message != "m" || got.Code != 410 || gvk.Kind != "Status" {
			t.Errorf("%s: decoded %+v %v", mt, got, gvk)
		}
	}
}

func TestWatchStreams(t *testing.T) {
	f := testFactory(t)
	status := &metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonExpired, Code: 410}
	for _, mt := range []string{runtime.ContentTypeJSON, runtime.ContentTypeProtobuf} {
		t.Run(mt, func(t *testing.T) {
			var buf bytes.Buffer
			enc, err := f.NewWatchEncoder(&buf, mt)
			if err != nil {
				t.Fatal(err)
			}
			if err := enc.Encode("ERROR", status); err != nil {
				t.Fatal(err)
			}
			if err := enc.Encode("BOOKMARK", status); err != nil {
				t.Fatal(err)
			}
			if mt == runtime.ContentTypeJSON {
				want := `{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"Expired","code":410}}` + "\n"
				if line, _, _ := bytes.Cut(buf.Bytes(), []byte("\n")); string(line)+"\n" != want {
					t.Errorf("first line %s, want %s", line, want)
				}
			} else if !bytes.Equal(buf.Bytes()[4:9], []byte{0x0a, 0x05, 'E', 'R', 'R'}) || !bytes.Contains(buf.Bytes(), []byte("k8s\x00")) {
				t.Errorf("protobuf frame %x: want a bare WatchEvent whose object is enveloped", buf.Bytes())
			}
			dec, err := f.NewWatchDecoder(&buf, mt)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"ERROR", "BOOKMARK"} {
				typ, obj, err := dec.Decode(nil)
				if err != nil || typ != want || obj.(*metav1.Status).Code != 410 {
					t.Fatalf("Decode = %s %v %v", typ, obj, err)
				}
			}
			if _, _, err := dec.Decode(nil); !errors.Is(err, io.EOF) {
				t.Errorf("after the last event: %v", err)
			}
		})
	}
	if _, err := f.NewWatchEncoder(io.Discard, runtime.ContentTypeYAML); err == nil {
		t.Error("YAML watch accepted")
	}
}

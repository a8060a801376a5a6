package streaming

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func readAll(t *testing.T, fr FrameReader) []string {
	t.Helper()
	var out []string
	for {
		f, err := fr.ReadFrame()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(f))
	}
}

func TestLengthDelimitedFramer(t *testing.T) {
	var buf bytes.Buffer
	w := LengthDelimitedFramer.NewFrameWriter(&buf)
	for _, f := range []string{"ab", "", "xyz"} {
		if _, err := w.Write([]byte(f)); err != nil {
			t.Fatal(err)
		}
	}
	if want := "\x00\x00\x00\x02ab\x00\x00\x00\x00\x00\x00\x00\x03xyz"; buf.String() != want {
		t.Fatalf("written %q", buf.String())
	}
	if got := readAll(t, LengthDelimitedFramer.NewFrameReader(&buf)); !reflect.DeepEqual(got, []string{"ab", "", "xyz"}) {
		t.Errorf("read %q", got)
	}
	for name, in := range map[string]string{
		"a truncated header":   "\x00\x00",
		"a truncated body":     "\x00\x00\x00\x05ab",
		"a frame over the cap": "\xff\xff\xff\xff",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LengthDelimitedFramer.NewFrameReader(strings.NewReader(in)).ReadFrame()
			if err == nil || errors.Is(err, io.EOF) {
				t.Errorf("ReadFrame error = %v", err)
			}
		})
	}
}

func TestJSONFramer(t *testing.T) {
	var buf bytes.Buffer
	w := JSONFramer.NewFrameWriter(&buf)
	w.Write([]byte(`{"a":1}`))
	w.Write([]byte("{\"b\":2}\n"))
	if buf.String() != "{\"a\":1}\n{\"b\":2}\n" {
		t.Fatalf("written %q", buf.String())
	}
	got := readAll(t, JSONFramer.NewFrameReader(strings.NewReader(" {\"a\":1}{\"b\":[2]}\n\n{}")))
	if !reflect.DeepEqual(got, []string{`{"a":1}`, `{"b":[2]}`, `{}`}) {
		t.Errorf("read %q", got)
	}
}

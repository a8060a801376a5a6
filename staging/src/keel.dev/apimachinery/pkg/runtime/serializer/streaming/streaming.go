// Package streaming frames a sequence of encoded objects on one byte stream
// (watch responses): JSON objects one per line, protobuf messages each
// prefixed by its length as a 4-byte big-endian integer.
package streaming

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// MaxFrameSize bounds a length-delimited frame, protecting readers from
// corrupt length prefixes.
const MaxFrameSize = 256 << 20

// Framer splits a byte stream into frames.
type Framer interface {
	// NewFrameWriter returns a writer whose every Write is one frame.
	NewFrameWriter(w io.Writer) io.Writer
	// NewFrameReader returns a reader of the frames of r.
	NewFrameReader(r io.Reader) FrameReader
}

// FrameReader returns one frame per call, and io.EOF after the last.
type FrameReader interface {
	ReadFrame() ([]byte, error)
}

// LengthDelimitedFramer frames protobuf messages: a 4-byte big-endian
// length, then the message.
var LengthDelimitedFramer Framer = lengthDelimited{}

// JSONFramer frames JSON documents: written one per line, read as
// consecutive JSON values separated by any whitespace.
var JSONFramer Framer = jsonFramer{}

type lengthDelimited struct{}

func (lengthDelimited) NewFrameWriter(w io.Writer) io.Writer { return &lengthWriter{w: w} }

func (lengthDelimited) NewFrameReader(r io.Reader) FrameReader {
	return &lengthReader{r: bufio.NewReader(r)}
}

type lengthWriter struct {
	w   io.Writer
	buf []byte
}

// Write writes p as one frame, in a single Write to the underlying writer.
func (lw *lengthWriter) Write(p []byte) (int, error) {
	lw.buf = binary.BigEndian.AppendUint32(lw.buf[:0], uint32(len(p)))
	lw.buf = append(lw.buf, p...)
	if _, err := lw.w.Write(lw.buf); err != nil {
		return 0, err
	}
	if cap(lw.buf) > 1<<20 {
		lw.buf = nil
	}
	return len(p), nil
}

type lengthReader struct {
	r   *bufio.Reader
	hdr [4]byte
}

func (lr *lengthReader) ReadFrame() ([]byte, error) {
	if _, err := io.ReadFull(lr.r, lr.hdr[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("streaming: truncated frame header: %w", err)
		}
		return nil, err
	}
	n := binary.BigEndian.Uint32(lr.hdr[:])
	if n > MaxFrameSize {
		return nil, fmt.Errorf("streaming: frame of %d bytes exceeds the limit of %d", n, MaxFrameSize)
	}
	frame := make([]byte, n)
	if _, err := io.ReadFull(lr.r, frame); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("streaming: truncated frame: %w", err)
	}
	return frame, nil
}

type jsonFramer struct{}

func (jsonFramer) NewFrameWriter(w io.Writer) io.Writer { return &lineWriter{w: w} }

func (jsonFramer) NewFrameReader(r io.Reader) FrameReader {
	return &jsonReader{d: json.NewDecoder(r)}
}

type lineWriter struct {
	w   io.Writer
	buf []byte
}

// Write writes p, adding a newline when p does not end with one.
func (lw *lineWriter) Write(p []byte) (int, error) {
	if len(p) > 0 && p[len(p)-1] == '\n' {
		return lw.w.Write(p)
	}
	lw.buf = append(append(lw.buf[:0], p...), '\n')
	if _, err := lw.w.Write(lw.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

type jsonReader struct {
	d *json.Decoder
}

func (jr *jsonReader) ReadFrame() ([]byte, error) {
	var raw json.RawMessage
	if err := jr.d.Decode(&raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// Encoder writes objects as frames.
type Encoder struct {
	w   io.Writer
	enc runtime.Encoder
	buf bytes.Buffer
}

// NewEncoder returns an encoder writing frames of framer to w, each object
// encoded by enc.
func NewEncoder(w io.Writer, framer Framer, enc runtime.Encoder) *Encoder {
	return &Encoder{w: framer.NewFrameWriter(w), enc: enc}
}

// Encode writes obj as one frame.
func (e *Encoder) Encode(obj runtime.Object) error {
	e.buf.Reset()
	if err := e.enc.Encode(obj, &e.buf); err != nil {
		return err
	}
	_, err := e.w.Write(e.buf.Bytes())
	return err
}

// Decoder reads objects from frames.
type Decoder struct {
	r   FrameReader
	dec runtime.Decoder
}

// NewDecoder returns a decoder of the frames of r, each decoded by dec.
func NewDecoder(r io.Reader, framer Framer, dec runtime.Decoder) *Decoder {
	return &Decoder{r: framer.NewFrameReader(r), dec: dec}
}

// Decode reads the next frame; it returns io.EOF at the end of the stream.
func (d *Decoder) Decode(defaults *schema.GroupVersionKind, into runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	frame, err := d.r.ReadFrame()
	if err != nil {
		return nil, nil, err
	}
	return d.dec.Decode(frame, defaults, into)
}

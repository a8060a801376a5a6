package serializer

import (
	"bytes"
	"fmt"
	"io"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer/streaming"
)

// WatchEncoder writes watch events the way Kubernetes does: each event is a
// metav1.WatchEvent whose object holds the object encoded by the media
// type's serializer (for protobuf: enveloped, with the magic prefix), and
// the event itself is written by the stream serializer in one frame (JSON:
// one line; protobuf: the bare message after a 4-byte length).
type WatchEncoder struct {
	embedded runtime.Encoder
	stream   *streaming.Encoder
	buf      bytes.Buffer
}

// NewWatchEncoder returns an encoder of watch events to w in mediaType.
func (f *CodecFactory) NewWatchEncoder(w io.Writer, mediaType string) (*WatchEncoder, error) {
	info, ok := f.SerializerForMediaType(mediaType)
	if !ok || info.StreamSerializer == nil {
		return nil, fmt.Errorf("serializer: %q cannot be streamed", mediaType)
	}
	return &WatchEncoder{
		embedded: info.Serializer,
		stream:   streaming.NewEncoder(w, info.Framer, info.StreamSerializer),
	}, nil
}

// Encode writes one event; eventType is ADDED, MODIFIED, DELETED, BOOKMARK
// or ERROR.
func (e *WatchEncoder) Encode(eventType string, obj runtime.Object) error {
	e.buf.Reset()
	if err := e.embedded.Encode(obj, &e.buf); err != nil {
		return fmt.Errorf("encode the %s event's object: %w", eventType, err)
	}
	ev := &metav1.WatchEvent{Type: eventType, Object: runtime.RawExtension{Raw: bytes.TrimRight(e.buf.Bytes(), "\n")}}
	return e.stream.Encode(ev)
}

// WatchDecoder reads watch events written by a WatchEncoder (or
// Kubernetes).
type WatchDecoder struct {
	embedded runtime.Decoder
	stream   *streaming.Decoder
}

// NewWatchDecoder returns a decoder of watch events from r in mediaType.
func (f *CodecFactory) NewWatchDecoder(r io.Reader, mediaType string) (*WatchDecoder, error) {
	info, ok := f.SerializerForMediaType(mediaType)
	if !ok || info.StreamSerializer == nil {
		return nil, fmt.Errorf("serializer: %q cannot be streamed", mediaType)
	}
	return &WatchDecoder{
		embedded: info.Serializer,
		stream:   streaming.NewDecoder(r, info.Framer, info.StreamSerializer),
	}, nil
}

// Decode reads the next event and decodes its object through the scheme
// (into, when non-nil and of the object's kind). It returns io.EOF at the
// end of the stream.
func (d *WatchDecoder) Decode(into runtime.Object) (eventType string, obj runtime.Object, err error) {
	var ev metav1.WatchEvent
	if _, _, err := d.stream.Decode(nil, &ev); err != nil {
		return "", nil, err
	}
	obj, _, err = d.embedded.Decode(ev.Object.Raw, nil, into)
	if err != nil {
		return ev.Type, nil, fmt.Errorf("decode the %s event's object: %w", ev.Type, err)
	}
	return ev.Type, obj, nil
}

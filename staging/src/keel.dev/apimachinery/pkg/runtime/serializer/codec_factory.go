// Package serializer ties the JSON, YAML and protobuf serializers of a
// scheme together: it picks one by media type (Content-Type and Accept),
// lists what the server supports, decodes any of them by sniffing, and
// encodes and decodes watch event streams.
package serializer

import (
	"bytes"
	"fmt"
	"mime"
	"sort"
	"strconv"
	"strings"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer/json"
	"keel.dev/apimachinery/pkg/runtime/serializer/protobuf"
	"keel.dev/apimachinery/pkg/runtime/serializer/streaming"
)

// SerializerInfo describes the serializers of one media type.
type SerializerInfo struct {
	// MediaType is the type without parameters ("application/json").
	MediaType string
	// EncodesAsText says whether the output is text.
	EncodesAsText bool
	// Serializer encodes and decodes single objects.
	Serializer runtime.Serializer
	// StrictSerializer decodes reporting unknown and duplicate fields
	// (protobuf has no such thing and uses Serializer).
	StrictSerializer runtime.Serializer
	// PrettySerializer encodes for humans (indented JSON), or is Serializer.
	PrettySerializer runtime.Serializer
	// StreamSerializer encodes the frames of a watch; nil when the media
	// type has no stream form (YAML).
	StreamSerializer runtime.Serializer
	// Framer frames the watch stream.
	Framer streaming.Framer
}

// CodecFactory holds the serializers of a scheme.
type CodecFactory struct {
	scheme *runtime.Scheme
	infos  []SerializerInfo
}

// NewCodecFactory returns the JSON, YAML and protobuf serializers of scheme.
func NewCodecFactory(scheme *runtime.Scheme) *CodecFactory {
	jsonS := json.NewSerializer(scheme, json.Options{})
	proto := protobuf.NewSerializer(scheme)
	yamlS := json.NewSerializer(scheme, json.Options{Yaml: true})
	return &CodecFactory{
		scheme: scheme,
		infos: []SerializerInfo{
			{
				MediaType:        runtime.ContentTypeJSON,
				EncodesAsText:    true,
				Serializer:       jsonS,
				StrictSerializer: json.NewSerializer(scheme, json.Options{Strict: true}),
				PrettySerializer: json.NewSerializer(scheme, json.Options{Pretty: true}),
				StreamSerializer: jsonS,
				Framer:           streaming.JSONFramer,
			},
			{
				MediaType:        runtime.ContentTypeYAML,
				EncodesAsText:    true,
				Serializer:       yamlS,
				StrictSerializer: json.NewSerializer(scheme, json.Options{Yaml: true, Strict: true}),
				PrettySerializer: yamlS,
			},
			{
				MediaType:        runtime.ContentTypeProtobuf,
				Serializer:       proto,
				StrictSerializer: proto,
				PrettySerializer: proto,
				StreamSerializer: protobuf.NewRawSerializer(scheme),
				Framer:           streaming.LengthDelimitedFramer,
			},
		},
	}
}

// Scheme returns the factory's scheme.
func (f *CodecFactory) Scheme() *runtime.Scheme { return f.scheme }

// SupportedMediaTypes lists the serializers, JSON first.
func (f *CodecFactory) SupportedMediaTypes() []SerializerInfo {
	return append([]SerializerInfo(nil), f.infos...)
}

// SerializerForMediaType returns the serializers of a media type given as
// in a Content-Type header; parameters ("; charset=utf-8") are ignored.
func (f *CodecFactory) SerializerForMediaType(mediaType string) (SerializerInfo, bool) {
	mt, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(mediaType, ";", 2)[0]))
	}
	for _, info := range f.infos {
		if info.MediaType == mt {
			return info, true
		}
	}
	return SerializerInfo{}, false
}

// AcceptedType is one entry of an Accept header.
type AcceptedType struct {
	// MediaType is the type without parameters.
	MediaType string
	// Params are the entry's parameters other than q ("as", "g", "v").
	Params map[string]string
	// Q is the entry's quality, 1 when absent.
	Q float64
}

// ParseAccept reads an Accept header into its entries, ordered by
// decreasing quality (ties keep header order). Malformed entries are
// skipped.
func ParseAccept(header string) []AcceptedType {
	var out []AcceptedType
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		at := AcceptedType{MediaType: mt, Params: params, Q: 1}
		if q, ok := params["q"]; ok {
			v, err := strconv.ParseFloat(q, 64)
			if err != nil {
				continue
			}
			at.Q = v
			delete(params, "q")
		}
		if at.Q > 0 {
			out = append(out, at)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Q > out[j].Q })
	return out
}

// Negotiate picks the serializer for an Accept header: the first entry the
// factory supports, where */* and application/* mean JSON, and an empty
// header means JSON. accept reports which entry matched, so the caller can
// read parameters such as as=Table. ok is false when nothing matches (406).
func (f *CodecFactory) Negotiate(header string) (info SerializerInfo, accept AcceptedType, ok bool) {
	if strings.TrimSpace(header) == "" {
		return f.infos[0], AcceptedType{MediaType: runtime.ContentTypeJSON, Q: 1}, true
	}
	for _, at := range ParseAccept(header) {
		mt := at.MediaType
		if mt == "*/*" || mt == "application/*" {
			mt = runtime.ContentTypeJSON
		}
		if info, ok := f.SerializerForMediaType(mt); ok {
			return info, at, true
		}
	}
	return SerializerInfo{}, AcceptedType{}, false
}

// UniversalDeserializer returns a decoder of any supported serialization,
// recognized from the data: protobuf by its magic prefix, JSON by a
// leading '{', YAML otherwise.
func (f *CodecFactory) UniversalDeserializer() runtime.Decoder {
	return universal{f}
}

type universal struct{ f *CodecFactory }

func (u universal) Decode(data []byte, defaults *schema.GroupVersionKind, into runtime.Object) (runtime.Object, *schema.GroupVersionKind, error) {
	mt := runtime.ContentTypeYAML
	switch trimmed := bytes.TrimLeft(data, " \t\r\n"); {
	case bytes.HasPrefix(data, protobuf.Magic):
		mt = runtime.ContentTypeProtobuf
	case len(trimmed) > 0 && trimmed[0] == '{':
		mt = runtime.ContentTypeJSON
	}
	info, ok := u.f.SerializerForMediaType(mt)
	if !ok {
		return nil, nil, fmt.Errorf("serializer: no serializer for %s", mt)
	}
	return info.Serializer.Decode(data, defaults, into)
}

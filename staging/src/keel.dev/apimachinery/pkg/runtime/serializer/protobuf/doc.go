// Package protobuf reads and writes Kubernetes' protobuf wire format
// (application/vnd.kubernetes.protobuf) for any Go type carrying Kubernetes'
// `protobuf:"..."` struct tags, without generated code.
//
// The codec builds one plan per Go type from the tags (cached), and encodes
// byte for byte what Kubernetes' gogo-generated Marshal methods write: fields
// in ascending number order, non-pointer scalars, strings and embedded
// messages always written (proto2 non-nullable), pointers and byte slices
// only when non-nil, repeated fields unpacked, maps as key-sorted entries and
// named slice types (metav1.Verbs) as a wrapper message {items = 1}. Wire
// types come from the Go types, not the tags, because a few Kubernetes tags
// disagree with what gogo writes (DeleteOptions.propagationPolicy).
//
// Types with a hand-written form (Quantity, IntOrString, Time, ...)
// implement Marshaler and Unmarshaler, and optionally Appender.
//
// Serializer adds the envelope Kubernetes wraps every object in: the magic
// bytes "k8s\x00" and a runtime.Unknown carrying apiVersion, kind and the
// object's bytes. RawSerializer encodes the bare message; it is the stream
// serializer of watch events, framed by LengthDelimitedFramer.
package protobuf

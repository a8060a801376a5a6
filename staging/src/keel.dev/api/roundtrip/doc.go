// Package roundtrip holds wire-compatibility tests only: realistic manifests
// in testdata/ must decode into Keel's API types and re-encode to the JSON and
// protobuf bytes Kubernetes itself produces for them, and unknown fields must
// be reported by strict decoding rather than silently dropped or kept.
//
// testdata/yaml/*.yaml are hand-written sources. testdata/<name>.json and
// testdata/<name>.pb are what k8s.io/api v0.37.2 produces after decoding the
// source strictly (JSON indented for reading; protobuf is the bare message
// without the "k8s\x00" envelope). testdata/bundle.yaml is a multi-document
// apply bundle and bundle.golden.json the Kubernetes encoding of each
// non-empty document.
package roundtrip

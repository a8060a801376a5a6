// Package json reads and writes API objects as JSON (and YAML, converted to
// JSON first) through a runtime.Scheme: Decode finds the kind from the
// data's apiVersion and kind, creates the object and sets its TypeMeta;
// strict mode reports unknown and duplicate fields with their paths, the
// way Kubernetes' fieldValidation does.
//
// Unlike Kubernetes, which decodes with sigs.k8s.io/json, non-strict
// decoding uses encoding/json: keys match fields case-insensitively and
// numbers inside values of type any decode as float64.
package json

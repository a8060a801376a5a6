// Package runtime defines what every API object is (Object), the Scheme that
// maps Go types to group/version/kind and to REST resources, and the registry
// of per-kind defaulting and validation. Codecs live in runtime/serializer.
package runtime

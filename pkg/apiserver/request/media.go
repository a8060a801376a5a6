package request

import (
	"mime"
	"sort"
	"strconv"
	"strings"
)

// The media types the apiserver reads and writes.
const (
	MediaJSON     = "application/json"
	MediaYAML     = "application/yaml"
	MediaProtobuf = "application/vnd.kubernetes.protobuf"
	// MediaProtobufWatch is the stream type of protobuf watches.
	MediaProtobufWatch = "application/vnd.kubernetes.protobuf;stream=watch"
)

// MediaType is one entry of an Accept header, with Kubernetes' conversion
// parameters split out: "application/json;as=Table;v=v1;g=meta.k8s.io".
type MediaType struct {
	// Type is "type/subtype", lower-cased.
	Type string
	// As, Version and Group ask for the body in another kind
	// (Table, PartialObjectMetadata, APIGroupDiscoveryList).
	As, Version, Group string
	// Q is the quality value (1 when absent).
	Q float64
	// Params are the other parameters.
	Params map[string]string
}

// Matches reports whether the entry accepts the concrete type typ
// ("*/*" and "application/*" match any type in their range).
func (m MediaType) Matches(typ string) bool {
	switch {
	case m.Type == "*/*":
		return true
	case strings.HasSuffix(m.Type, "/*"):
		return strings.HasPrefix(typ, strings.TrimSuffix(m.Type, "*"))
	default:
		return m.Type == typ
	}
}

// IsConversion reports whether the entry asks for a converted kind (as=…).
func (m MediaType) IsConversion() bool { return m.As != "" }

// ParseAccept parses an Accept header into entries ordered by preference
// (quality, then order of appearance). Entries with q=0 and unparsable
// entries are dropped. An empty header yields "*/*".
func ParseAccept(header string) []MediaType {
	if strings.TrimSpace(header) == "" {
		return []MediaType{{Type: "*/*", Q: 1}}
	}
	var out []MediaType
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		mt, ok := ParseMediaType(part)
		if !ok || mt.Q <= 0 {
			continue
		}
		out = append(out, mt)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Q > out[j].Q })
	return out
}

// ParseMediaType parses one media type with parameters.
func ParseMediaType(s string) (MediaType, bool) {
	typ, params, err := mime.ParseMediaType(s)
	if err != nil {
		return MediaType{}, false
	}
	mt := MediaType{Type: typ, Q: 1}
	for k, v := range params {
		switch k {
		case "as":
			mt.As = v
		case "v":
			mt.Version = v
		case "g":
			mt.Group = v
		case "q":
			q, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return MediaType{}, false
			}
			mt.Q = q
		default:
			if mt.Params == nil {
				mt.Params = map[string]string{}
			}
			mt.Params[k] = v
		}
	}
	return mt, true
}

// ContentType returns the bare media type of a Content-Type header
// ("application/json" for "application/json; charset=utf-8"), lower-cased.
func ContentType(header string) string {
	if header == "" {
		return ""
	}
	typ, _, err := mime.ParseMediaType(header)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.Split(header, ";")[0]))
	}
	return typ
}

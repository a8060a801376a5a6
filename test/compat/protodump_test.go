package compat

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// dumpProto renders protobuf bytes as one line per leaf field, with the
// path of field numbers ("1.8.1 varint 1700000000"), guessing which
// length-delimited values are nested messages. Two dumps diff readably.
func dumpProto(b []byte) []string {
	var out []string
	dumpInto(&out, "", b, 0)
	return out
}

func dumpInto(out *[]string, prefix string, b []byte, depth int) {
	for len(b) > 0 {
		num, wt, n := protowire.ConsumeTag(b)
		if n < 0 {
			*out = append(*out, fmt.Sprintf("%s! malformed tag %x", prefix, b))
			return
		}
		b = b[n:]
		path := prefix + strconv.Itoa(int(num))
		switch wt {
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				*out = append(*out, path+" ! truncated varint")
				return
			}
			*out = append(*out, fmt.Sprintf("%s varint %d", path, int64(v)))
			b = b[n:]
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				*out = append(*out, path+" ! truncated bytes")
				return
			}
			b = b[n:]
			if depth < 32 && len(v) > 0 && looksLikeMessage(v) {
				*out = append(*out, fmt.Sprintf("%s message len=%d", path, len(v)))
				dumpInto(out, path+".", v, depth+1)
			} else if utf8.Valid(v) {
				*out = append(*out, fmt.Sprintf("%s string %q", path, v))
			} else {
				*out = append(*out, fmt.Sprintf("%s bytes %x", path, v))
			}
		default:
			n := protowire.ConsumeFieldValue(num, wt, b)
			if n < 0 {
				*out = append(*out, path+" ! bad value")
				return
			}
			*out = append(*out, fmt.Sprintf("%s wire%d %x", path, wt, b[:n]))
			b = b[n:]
		}
	}
}

// looksLikeMessage reports whether b parses fully as a message whose field
// numbers are small, which printable strings rarely do.
func looksLikeMessage(b []byte) bool {
	for len(b) > 0 {
		num, wt, n := protowire.ConsumeTag(b)
		if n < 0 || num > 200 || wt == protowire.StartGroupType || wt == protowire.EndGroupType {
			return false
		}
		b = b[n:]
		n = protowire.ConsumeFieldValue(num, wt, b)
		if n < 0 {
			return false
		}
		b = b[n:]
	}
	return true
}

// protoDiff describes the first differences between two encodings.
func protoDiff(want, got []byte) string {
	w, g := dumpProto(want), dumpProto(got)
	var sb strings.Builder
	i, j, shown := 0, 0, 0
	for (i < len(w) || j < len(g)) && shown < 12 {
		switch {
		case i < len(w) && j < len(g) && w[i] == g[j]:
			i++
			j++
			continue
		case i < len(w) && !contains(g[j:], w[i]):
			fmt.Fprintf(&sb, "  - %s (only Kubernetes)\n", w[i])
			i++
		case j < len(g) && !contains(w[i:], g[j]):
			fmt.Fprintf(&sb, "  + %s (only Keel)\n", g[j])
			j++
		default:
			if i < len(w) {
				fmt.Fprintf(&sb, "  - %s (Kubernetes, order differs)\n", w[i])
				i++
			}
			if j < len(g) {
				fmt.Fprintf(&sb, "  + %s (Keel, order differs)\n", g[j])
				j++
			}
		}
		shown++
	}
	return sb.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

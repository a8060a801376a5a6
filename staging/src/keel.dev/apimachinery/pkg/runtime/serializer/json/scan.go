package json

import (
	"encoding/json"
	"errors"
)

// scanner walks JSON text that encoding/json has already accepted; it still
// checks bounds everywhere and stops at the first malformed byte.
type scanner struct {
	data []byte
	pos  int
	err  error
}

var errSyntax = errors.New("malformed JSON")

const maxDepth = 10000

func (s *scanner) fail() {
	if s.err == nil {
		s.err = errSyntax
	}
	s.pos = len(s.data)
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

// consume skips the byte c, failing when it is not next.
func (s *scanner) consume(c byte) bool {
	if s.peek() != c {
		s.fail()
		return false
	}
	s.pos++
	return true
}

// readString reads a string token and returns its value.
func (s *scanner) readString() string {
	if s.peek() != '"' {
		s.fail()
		return ""
	}
	start := s.pos
	s.pos++
	escaped := false
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; {
		case c == '\\':
			escaped = true
			s.pos += 2
		case c == '"':
			s.pos++
			raw := s.data[start:s.pos]
			if !escaped {
				return string(raw[1 : len(raw)-1])
			}
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				s.fail()
			}
			return v
		default:
			s.pos++
		}
	}
	s.fail()
	return ""
}

// skipScalar skips a number, true, false or null.
func (s *scanner) skipScalar() {
	start := s.pos
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			if s.pos == start {
				s.fail()
			}
			return
		}
		s.pos++
	}
}

// skipValue skips any value.
func (s *scanner) skipValue(depth int) {
	if depth > maxDepth {
		s.fail()
		return
	}
	switch s.peek() {
	case '{':
		s.objectKeys(func(string) { s.skipValue(depth + 1) })
	case '[':
		s.arrayItems(func(int) { s.skipValue(depth + 1) })
	case '"':
		s.readString()
	case 0:
		s.fail()
	default:
		s.skipScalar()
	}
}

// objectKeys walks an object, calling fn with each key; fn must consume the
// value.
func (s *scanner) objectKeys(fn func(key string)) {
	if !s.consume('{') {
		return
	}
	if s.peek() == '}' {
		s.pos++
		return
	}
	for s.err == nil {
		key := s.readString()
		if !s.consume(':') {
			return
		}
		fn(key)
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return
		default:
			s.fail()
		}
	}
}

// arrayItems walks an array, calling fn with each index; fn must consume
// the item.
func (s *scanner) arrayItems(fn func(i int)) {
	if !s.consume('[') {
		return
	}
	if s.peek() == ']' {
		s.pos++
		return
	}
	for i := 0; s.err == nil; i++ {
		fn(i)
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return
		default:
			s.fail()
		}
	}
}

// typeMeta reads the top-level apiVersion and kind of a JSON object
// without decoding the rest.
func typeMeta(data []byte) (apiVersion, kind string, err error) {
	s := &scanner{data: data}
	if s.peek() != '{' {
		return "", "", errors.New("the JSON is not an object")
	}
	s.objectKeys(func(key string) {
		switch {
		case key == "apiVersion" && s.peek() == '"':
			apiVersion = s.readString()
		case key == "kind" && s.peek() == '"':
			kind = s.readString()
		default:
			s.skipValue(1)
		}
	})
	return apiVersion, kind, s.err
}

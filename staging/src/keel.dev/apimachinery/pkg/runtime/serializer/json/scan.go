package json

import (
	"bytes"
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
	return string(s.readKey())
}

// readKey reads a string token and returns its value, as a slice of data
// itself when the token has no escapes (callers must not keep or change it).
func (s *scanner) readKey() []byte {
	if s.peek() != '"' {
		s.fail()
		return nil
	}
	start := s.pos
	if end, ok := s.plainString(); ok {
		return s.data[start+1 : end-1]
	}
	if !s.skipEscapedString() {
		return nil
	}
	var v string
	if err := json.Unmarshal(s.data[start:s.pos], &v); err != nil {
		s.fail()
	}
	return []byte(v)
}

// plainString moves past a string token at pos that has no escapes,
// returning the offset after its closing quote; it leaves pos alone and
// returns false when the token has escapes (or no end).
func (s *scanner) plainString() (int, bool) {
	body := s.data[s.pos+1:]
	q := bytes.IndexByte(body, '"')
	if q < 0 || bytes.IndexByte(body[:q], '\\') >= 0 {
		return 0, false
	}
	s.pos += q + 2
	return s.pos, true
}

// skipEscapedString moves past a string token at pos that may hold escapes.
func (s *scanner) skipEscapedString() bool {
	s.pos++
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '\\':
			s.pos += 2
		case '"':
			s.pos++
			return true
		default:
			s.pos++
		}
	}
	s.fail()
	return false
}

// skipString moves past a string token without decoding it.
func (s *scanner) skipString() {
	if _, ok := s.plainString(); !ok {
		s.skipEscapedString()
	}
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
		s.objectKeys(func([]byte, int) { s.skipValue(depth + 1) })
	case '[':
		s.arrayItems(func(int) { s.skipValue(depth + 1) })
	case '"':
		s.skipString()
	case 0:
		s.fail()
	default:
		s.skipScalar()
	}
}

// objectKeys walks an object, calling fn with each key (see readKey) and
// the offset of the key's opening quote; fn must consume the value.
func (s *scanner) objectKeys(fn func(key []byte, start int)) {
	if !s.consume('{') {
		return
	}
	if s.peek() == '}' {
		s.pos++
		return
	}
	for s.err == nil {
		s.peek()
		start := s.pos
		key := s.readKey()
		if !s.consume(':') {
			return
		}
		fn(key, start)
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
	s.objectKeys(func(key []byte, _ int) {
		switch {
		case string(key) == "apiVersion" && s.peek() == '"':
			apiVersion = s.readString()
		case string(key) == "kind" && s.peek() == '"':
			kind = s.readString()
		default:
			s.skipValue(1)
		}
	})
	return apiVersion, kind, s.err
}

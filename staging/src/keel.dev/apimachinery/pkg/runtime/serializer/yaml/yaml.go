// Package yaml splits multi-document YAML streams (the files of `kubectl
// apply -f`) and converts YAML to JSON; objects are then decoded by the
// json package, whose Serializer also reads and writes YAML directly.
package yaml

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// ToJSON converts one YAML document to JSON.
func ToJSON(data []byte) ([]byte, error) {
	return yaml.YAMLToJSON(data)
}

// FromJSON converts JSON to YAML.
func FromJSON(data []byte) ([]byte, error) {
	return yaml.JSONToYAML(data)
}

// maxLine bounds one line of input.
const maxLine = 16 << 20

// DocumentReader reads the documents of a YAML stream separated by lines
// of "---" (optionally followed by a comment). Documents holding only
// blank lines and comments are skipped.
type DocumentReader struct {
	r    *bufio.Reader
	line int
	done bool
}

// NewDocumentReader returns a reader of the documents of r.
func NewDocumentReader(r io.Reader) *DocumentReader {
	return &DocumentReader{r: bufio.NewReader(r)}
}

// Read returns the next non-empty document, or io.EOF after the last.
func (d *DocumentReader) Read() ([]byte, error) {
	for !d.done {
		doc, err := d.readDocument()
		if err != nil {
			return nil, err
		}
		if !isEmptyDocument(doc) {
			return doc, nil
		}
	}
	return nil, io.EOF
}

// readDocument reads up to the next separator or the end.
func (d *DocumentReader) readDocument() ([]byte, error) {
	var buf bytes.Buffer
	for {
		line, err := d.readLine()
		if err == io.EOF {
			d.done = true
			buf.Write(line)
			return buf.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
		d.line++
		if rest, ok := bytes.CutPrefix(line, []byte("---")); ok {
			trimmed := bytes.TrimSpace(rest)
			if len(trimmed) == 0 || trimmed[0] == '#' {
				return buf.Bytes(), nil
			}
			if len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
				// "--- value": a document starting on the separator line.
				buf.Write(trimmed)
				buf.WriteByte('\n')
				continue
			}
		}
		buf.Write(line)
	}
}

// readLine returns one line with its newline; at the end of input it
// returns the last partial line with io.EOF.
func (d *DocumentReader) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, isPrefix, err := d.r.ReadLine()
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				return line, io.EOF
			}
			return line, err
		}
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("yaml: line %d is longer than %d bytes", d.line+1, maxLine)
		}
		if !isPrefix {
			return append(line, '\n'), nil
		}
	}
}

// isEmptyDocument reports whether doc holds only blank lines and comments.
func isEmptyDocument(doc []byte) bool {
	for len(doc) > 0 {
		var line []byte
		line, doc, _ = bytes.Cut(doc, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' && !bytes.Equal(line, []byte("...")) {
			return false
		}
	}
	return true
}

// SplitDocuments returns the non-empty documents of a YAML stream.
func SplitDocuments(data []byte) ([][]byte, error) {
	d := NewDocumentReader(bytes.NewReader(data))
	var docs [][]byte
	for {
		doc, err := d.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
}

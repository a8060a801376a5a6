package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// manifest is one object read from -f with where it came from.
type manifest struct {
	source string
	obj    map[string]any
}

// readManifests reads files, directories (with -R recursively) and "-"
// (stdin); YAML streams may hold several documents and List kinds expand.
func (f *Factory) readManifests(paths []string, recursive bool) ([]manifest, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("must specify one of -f and -k")
	}
	var out []manifest
	for _, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(f.In)
			if err != nil {
				return nil, err
			}
			ms, err := parseManifests("STDIN", data)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("the path %q does not exist", p)
		}
		var files []string
		if st.IsDir() {
			err := filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() {
					if path != p && !recursive {
						return filepath.SkipDir
					}
					return nil
				}
				switch strings.ToLower(filepath.Ext(path)) {
				case ".yaml", ".yml", ".json":
					files = append(files, path)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			sort.Strings(files)
		} else {
			files = []string{p}
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				return nil, err
			}
			ms, err := parseManifests(file, data)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no objects passed to apply")
	}
	return out, nil
}

// parseManifests splits a YAML or JSON stream into objects.
func parseManifests(source string, data []byte) ([]manifest, error) {
	var out []manifest
	for _, doc := range splitYAML(data) {
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("error parsing %s: %w", source, err)
		}
		var obj map[string]any
		if err := json.Unmarshal(j, &obj); err != nil {
			return nil, fmt.Errorf("error parsing %s: %w", source, err)
		}
		if obj == nil {
			continue
		}
		if items, ok := obj["items"].([]any); ok && strings.HasSuffix(fmt.Sprint(obj["kind"]), "List") {
			for _, it := range items {
				if m, ok := it.(map[string]any); ok {
					out = append(out, manifest{source: source, obj: m})
				}
			}
			continue
		}
		if obj["kind"] == nil || obj["kind"] == "" {
			return nil, fmt.Errorf("error validating %q: error validating data: kind not set", source)
		}
		if obj["apiVersion"] == nil || obj["apiVersion"] == "" {
			return nil, fmt.Errorf("error validating %q: error validating data: apiVersion not set", source)
		}
		out = append(out, manifest{source: source, obj: obj})
	}
	return out, nil
}

func splitYAML(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimRight(line, " \t") == "---" || strings.HasPrefix(line, "--- ") {
			docs = append(docs, append([]byte(nil), cur.Bytes()...))
			cur.Reset()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	docs = append(docs, cur.Bytes())
	return docs
}

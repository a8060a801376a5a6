// Command openapi-gen writes the published API contract: the OpenAPI v2
// document api/openapi-spec/swagger.json and one OpenAPI v3 document per
// group version under api/openapi-spec/v3, built from the scheme of every
// installed kind (paths from its resources, schemas from its Go types and
// descriptions from their doc comments).
//
// Usage, from the repository root:
//
//	go run ./hack/tools/openapi-gen [-verify] [-root DIR]
//
// With -verify nothing is written; the command fails listing the stale files.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	verify := flag.Bool("verify", false, "only check that the checked-in documents are up to date")
	root := flag.String("root", "", "repository root (default: found from the working directory)")
	flag.Parse()
	if *root == "" {
		r, err := findRoot()
		if err != nil {
			fmt.Fprintf(os.Stderr, "openapi-gen: %v\n", err)
			os.Exit(1)
		}
		*root = r
	}
	files, err := Build(newScheme(), *root, os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "openapi-gen: %v\n", err)
		os.Exit(1)
	}
	stale, err := sync(*root, files, !*verify)
	if err != nil {
		fmt.Fprintf(os.Stderr, "openapi-gen: %v\n", err)
		os.Exit(1)
	}
	if *verify && len(stale) > 0 {
		for _, f := range stale {
			fmt.Fprintf(os.Stderr, "stale: %s\n", f)
		}
		fmt.Fprintf(os.Stderr, "openapi-gen: %d document(s) out of date; run go run ./hack/tools/openapi-gen\n", len(stale))
		os.Exit(1)
	}
}

// findRoot walks up from the working directory to the keel.dev/keel module.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module keel.dev/keel\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the keel.dev/keel module; pass -root")
		}
		dir = parent
	}
}

// sync compares the generated files with those under root and returns the
// paths that differ, including v3 documents that are no longer generated.
// When write is set it also brings the tree up to date.
func sync(root string, files map[string][]byte, write bool) ([]string, error) {
	var stale []string
	for rel, data := range files {
		path := filepath.Join(root, rel)
		old, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if err == nil && bytes.Equal(old, data) {
			continue
		}
		stale = append(stale, rel)
		if write {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return nil, err
			}
		}
	}
	entries, err := os.ReadDir(filepath.Join(root, v3Dir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		rel := v3Dir + "/" + e.Name()
		if !strings.HasSuffix(e.Name(), v3Suffix) || files[rel] != nil {
			continue
		}
		stale = append(stale, rel)
		if write {
			if err := os.Remove(filepath.Join(root, rel)); err != nil {
				return nil, err
			}
		}
	}
	sort.Strings(stale)
	return stale, nil
}

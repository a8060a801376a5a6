// Command deepcopy-gen writes zz_generated.deepcopy.go into each package
// directory it is given: DeepCopyInto and DeepCopy for every named struct,
// map and slice type of the package, and DeepCopyObject for kinds (structs
// that embed TypeMeta, or carry the +keel:deepcopy-object marker).
//
// Usage, from the repository root:
//
//	go run ./hack/tools/deepcopy-gen [-verify] DIR...
//
// With -verify nothing is written; the command fails listing the files whose
// content would change.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

func main() {
	verify := flag.Bool("verify", false, "only check that the generated files are up to date")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: deepcopy-gen [-verify] DIR...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	results, err := Generate(flag.Args(), os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "deepcopy-gen: %v\n", err)
		os.Exit(1)
	}
	stale, err := apply(results, *verify)
	if err != nil {
		fmt.Fprintf(os.Stderr, "deepcopy-gen: %v\n", err)
		os.Exit(1)
	}
	if *verify && len(stale) > 0 {
		for _, f := range stale {
			fmt.Fprintf(os.Stderr, "stale: %s\n", f)
		}
		fmt.Fprintf(os.Stderr, "deepcopy-gen: %d generated file(s) out of date; run go run ./hack/tools/deepcopy-gen DIR...\n", len(stale))
		os.Exit(1)
	}
}

// apply writes (or, when verify is set, only compares) the generated files
// and returns the paths whose content differs from what is on disk.
func apply(results []Result, verify bool) ([]string, error) {
	var stale []string
	for _, r := range results {
		path := filepath.Join(r.Dir, OutputFile)
		old, err := os.ReadFile(path)
		exists := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		switch {
		case r.Source == nil && !exists:
			continue
		case r.Source == nil:
			stale = append(stale, path)
			if !verify {
				if err := os.Remove(path); err != nil {
					return nil, err
				}
			}
		case !exists || !bytes.Equal(old, r.Source):
			stale = append(stale, path)
			if !verify {
				if err := os.WriteFile(path, r.Source, 0o644); err != nil {
					return nil, err
				}
			}
		}
	}
	return stale, nil
}

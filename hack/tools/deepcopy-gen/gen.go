package main

import (
	"fmt"
	"go/ast"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// OutputFile is the name of the generated file in every package directory.
const OutputFile = "zz_generated.deepcopy.go"

// The comment markers the generator understands on a type declaration.
const (
	markerObject = "+keel:deepcopy-object"    // also emit DeepCopyObject
	markerSkip   = "+keel:deepcopy-gen=false" // emit nothing for the type
)

// The packages whose TypeMeta makes an embedding struct a runtime.Object.
const (
	metav1Path  = "keel.dev/apimachinery/pkg/apis/meta/v1"
	runtimePath = "keel.dev/apimachinery/pkg/runtime"
)

// Result is the generated file of one package directory; Source is nil when
// the package declares nothing to copy.
type Result struct {
	Dir    string
	Source []byte
}

// Generate loads the packages in dirs (type errors are tolerated, since the
// code being generated is often what the package lacks) and returns the
// generated source for each, in the order given. Warnings go to warn.
func Generate(dirs []string, warn io.Writer) ([]Result, error) {
	type target struct {
		dir, module string
	}
	var targets []target
	byModule := map[string][]string{}
	var modules []string
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		mod, err := moduleRoot(abs)
		if err != nil {
			return nil, err
		}
		if _, ok := byModule[mod]; !ok {
			modules = append(modules, mod)
		}
		byModule[mod] = append(byModule[mod], abs)
		targets = append(targets, target{abs, mod})
	}
	loaded := map[string]*packages.Package{} // by directory
	for _, mod := range modules {
		var patterns []string
		for _, d := range byModule[mod] {
			rel, err := filepath.Rel(mod, d)
			if err != nil {
				return nil, err
			}
			patterns = append(patterns, "./"+filepath.ToSlash(rel))
		}
		cfg := &packages.Config{
			Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
				packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports | packages.NeedDeps,
			Dir: mod,
		}
		pkgs, err := packages.Load(cfg, patterns...)
		if err != nil {
			return nil, fmt.Errorf("loading %v in %s: %w", patterns, mod, err)
		}
		for _, p := range pkgs {
			if len(p.GoFiles) == 0 {
				for _, e := range p.Errors {
					fmt.Fprintf(warn, "deepcopy-gen: %s: %v\n", p.PkgPath, e)
				}
				continue
			}
			loaded[filepath.Dir(p.GoFiles[0])] = p
		}
	}
	targetPaths := map[string]bool{}
	for _, p := range loaded {
		targetPaths[p.PkgPath] = true
	}
	var results []Result
	for _, t := range targets {
		p, ok := loaded[t.dir]
		if !ok {
			return nil, fmt.Errorf("no Go package found in %s", t.dir)
		}
		g := newGenerator(p, targetPaths, warn)
		src, err := g.generate()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.PkgPath, err)
		}
		results = append(results, Result{Dir: t.dir, Source: src})
	}
	return results, nil
}

// moduleRoot returns the nearest directory at or above dir holding a go.mod.
func moduleRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		d = parent
	}
}

// typeDecl is one named type of the package with what is hand-written for it.
type typeDecl struct {
	name      *types.TypeName
	doc       string
	hasInto   bool // hand-written DeepCopyInto
	hasCopy   bool // hand-written DeepCopy
	hasObject bool // hand-written DeepCopyObject
}

// collectDecls finds the package's named types and their hand-written
// deep-copy methods, ignoring the generated file itself.
func collectDecls(p *packages.Package) map[string]*typeDecl {
	decls := map[string]*typeDecl{}
	methods := map[string]map[string]bool{}
	for _, f := range p.Syntax {
		fname := p.Fset.Position(f.Pos()).Filename
		if filepath.Base(fname) == OutputFile {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok || ts.Assign.IsValid() || ts.TypeParams != nil {
						continue
					}
					obj, _ := p.TypesInfo.Defs[ts.Name].(*types.TypeName)
					if obj == nil {
						continue
					}
					doc := ts.Doc.Text()
					if len(d.Specs) == 1 {
						doc = d.Doc.Text() + doc
					}
					decls[ts.Name.Name] = &typeDecl{name: obj, doc: doc}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) != 1 {
					continue
				}
				recv := d.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				id, ok := recv.(*ast.Ident)
				if !ok {
					continue
				}
				if methods[id.Name] == nil {
					methods[id.Name] = map[string]bool{}
				}
				methods[id.Name][d.Name.Name] = true
			}
		}
	}
	for name, d := range decls {
		m := methods[name]
		d.hasInto, d.hasCopy, d.hasObject = m["DeepCopyInto"], m["DeepCopy"], m["DeepCopyObject"]
	}
	return decls
}

// hasMarker reports whether a doc comment carries the marker on a line of its own.
func hasMarker(doc, marker string) bool {
	for _, line := range strings.Split(doc, "\n") {
		if strings.TrimSpace(line) == marker {
			return true
		}
	}
	return false
}

// sortedDecls returns the declarations sorted by name.
func sortedDecls(decls map[string]*typeDecl) []*typeDecl {
	out := make([]*typeDecl, 0, len(decls))
	for _, d := range decls {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name.Name() < out[j].name.Name() })
	return out
}

package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// typeDoc is what the Go sources say about one named type.
type typeDoc struct {
	doc     string              // description, markers removed
	markers map[string][]string // "+key=value" lines of the type comment
	fields  map[string]fieldDoc // by Go field name
}

// fieldDoc is what the Go sources say about one struct field.
type fieldDoc struct {
	doc     string
	markers map[string][]string
}

// docIndex reads doc comments from the staging sources, one package at a time.
type docIndex struct {
	root string                         // repository root
	pkgs map[string]map[string]*typeDoc // pkgPath -> type name -> doc
}

func newDocIndex(root string) *docIndex {
	return &docIndex{root: root, pkgs: map[string]map[string]*typeDoc{}}
}

// lookup returns the doc of pkgPath.name, or an empty doc.
func (x *docIndex) lookup(pkgPath, name string) *typeDoc {
	pkg, ok := x.pkgs[pkgPath]
	if !ok {
		pkg = x.load(pkgPath)
		x.pkgs[pkgPath] = pkg
	}
	if d := pkg[name]; d != nil {
		return d
	}
	return &typeDoc{markers: map[string][]string{}, fields: map[string]fieldDoc{}}
}

// sourceDir maps an import path to its directory in the repository.
func (x *docIndex) sourceDir(pkgPath string) string {
	if strings.HasPrefix(pkgPath, "keel.dev/keel/") {
		return filepath.Join(x.root, strings.TrimPrefix(pkgPath, "keel.dev/keel/"))
	}
	if strings.HasPrefix(pkgPath, "keel.dev/") {
		return filepath.Join(x.root, "staging", "src", pkgPath)
	}
	return ""
}

func (x *docIndex) load(pkgPath string) map[string]*typeDoc {
	out := map[string]*typeDoc{}
	dir := x.sourceDir(pkgPath)
	if dir == "" {
		return out
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "zz_generated") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			continue
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				text := ts.Doc.Text()
				if text == "" && len(gd.Specs) == 1 {
					text = gd.Doc.Text()
				}
				td := &typeDoc{fields: map[string]fieldDoc{}}
				td.doc, td.markers = cleanComment(text)
				if st, ok := ts.Type.(*ast.StructType); ok {
					for _, fld := range st.Fields.List {
						ftext := fld.Doc.Text()
						if ftext == "" {
							ftext = fld.Comment.Text()
						}
						fd := fieldDoc{}
						fd.doc, fd.markers = cleanComment(ftext)
						for _, n := range fld.Names {
							td.fields[n.Name] = fd
						}
						if len(fld.Names) == 0 {
							td.fields[embeddedName(fld.Type)] = fd
						}
					}
				}
				out[ts.Name.Name] = td
			}
		}
	}
	return out
}

// embeddedName is the field name of an embedded field's type expression.
func embeddedName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return embeddedName(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.Ident:
		return e.Name
	}
	return ""
}

// cleanComment turns a doc comment into a description: marker lines
// ("+key=value") are taken out, lines of a paragraph are joined by spaces
// and paragraphs by a blank line.
func cleanComment(text string) (string, map[string][]string) {
	markers := map[string][]string{}
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "+"):
			key, val, _ := strings.Cut(strings.TrimPrefix(line, "+"), "=")
			markers[key] = append(markers[key], val)
		case strings.HasPrefix(line, "TODO"):
		case line == "":
			flush()
		default:
			cur = append(cur, line)
		}
	}
	flush()
	return strings.Join(paras, "\n\n"), markers
}

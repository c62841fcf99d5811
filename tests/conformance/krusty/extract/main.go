// Command krusty-extract turns kustomize's own test suite (the krusty package's *_test.go files
// in sigs.k8s.io/kustomize/api, read from the Go module cache) into folders that any
// kustomize-compatible renderer can build.
//
// The tests write kustomization trees into an in-memory file system through a harness
// (th.WriteK, th.WriteF, th.WriteC) and build them with th.Run or th.RunWithErr. This program
// does not run them: it interprets the small subset of Go they are written in (string
// constants and concatenation, fmt.Sprintf, helper functions, closures, table-driven loops and
// t.Run sub-tests) and, at each Run, writes the files the harness holds into a case folder.
// A build whose inputs it cannot determine, or that needs plugins, Helm, remote URLs or
// non-default options, is listed as skipped with the reason.
//
// Usage: krusty-extract -src KRUSTY_DIR -out DIR
// Writes DIR/cases/<case>/... and DIR/manifest.json:
//
//	{"cases": [{"name", "path", "expectError", "source"}], "skipped": [{"name", "reason"}]}
//
// where path is the folder to build, relative to the case folder.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

type caseRecord struct {
	Name        string `json:"name"`
	Path        string `json:"path"`
	ExpectError bool   `json:"expectError"`
	Source      string `json:"source"`
}

type skipRecord struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

type manifest struct {
	Module  string       `json:"module"`
	Cases   []caseRecord `json:"cases"`
	Skipped []skipRecord `json:"skipped"`
}

func main() {
	src := flag.String("src", "", "the krusty package folder (sigs.k8s.io/kustomize/api@VERSION/krusty)")
	out := flag.String("out", "", "output folder (made if missing, cases/ replaced)")
	flag.Parse()
	if *src == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: krusty-extract -src KRUSTY_DIR -out DIR")
		os.Exit(2)
	}
	m, err := extract(*src, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "krusty-extract:", err)
		os.Exit(1)
	}
	m.Module = filepath.Dir(*src)
	data, err := json.MarshalIndent(m, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(*out, "manifest.json"), data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "krusty-extract:", err)
		os.Exit(1)
	}
	fmt.Printf("krusty-extract: %d cases, %d skipped\n", len(m.Cases), len(m.Skipped))
}

func extract(src, out string) (*manifest, error) {
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(src, "*_test.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	in := newInterpreter(fset, src, filepath.Join(out, "cases"))
	if err := os.RemoveAll(in.casesDir); err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range names {
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return nil, err
		}
		files = append(files, file)
		in.declare(file)
	}
	for _, file := range files {
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
				in.runTest(fn)
			}
		}
	}
	return &manifest{Cases: in.cases, Skipped: in.skipped}, in.err
}

// remoteResource matches a kustomization entry that names a remote base or file.
var remoteResource = regexp.MustCompile(`(?m)^\s*-?\s*(https?://|git@|ssh://|github\.com/|git::)`)

// recordRun is called at every th.Run / th.RunWithErr the interpreter reaches.
func (in *interpreter) recordRun(call *ast.CallExpr, h *harness, path, opts value, expectError bool) {
	name := in.caseName()
	skip := func(reason string) { in.skipped = append(in.skipped, skipRecord{name, reason}) }
	if o, isOptions := opts.(*options); isOptions && o.plugins {
		skip("plugins: the test enables non-builtin plugins")
		return
	}
	dir, ok := path.(string)
	switch {
	case h.plugins:
		skip("plugins: the test loads plugin code (PrepBuiltin, BuildGoPlugin or PrepExecPlugin)")
		return
	case !ok:
		skip("inputs not determinable: the build path")
		return
	case h.taint != "":
		skip("inputs not determinable: " + h.taint)
		return
	}
	if o, isOptions := opts.(*options); !isOptions {
		skip("inputs not determinable: the options")
		return
	} else if len(o.changed) > 0 {
		skip("non-default options: " + strings.Join(o.changed, ", "))
		return
	}
	for file, content := range h.files {
		switch {
		case strings.Contains(content, "helmCharts:") || strings.Contains(content, "HelmChartInflationGenerator"):
			skip("helm: the build inflates a Helm chart")
			return
		case isKustomizationFile(file) && remoteResource.MatchString(content):
			skip("remote: the build loads a remote URL")
			return
		}
	}
	rel, ok := inTree(dir)
	if !ok {
		skip("inputs not determinable: build path outside the file system root")
		return
	}
	caseDir := filepath.Join(in.casesDir, name)
	for file, content := range h.files {
		target := filepath.Join(caseDir, file)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			in.fail(err)
			return
		}
		if err := os.WriteFile(target, []byte(content), 0o644); err != nil {
			in.fail(err)
			return
		}
	}
	for folder := range h.dirs {
		if err := os.MkdirAll(filepath.Join(caseDir, folder), 0o755); err != nil {
			in.fail(err)
			return
		}
	}
	if err := os.MkdirAll(filepath.Join(caseDir, rel), 0o755); err != nil {
		in.fail(err)
		return
	}
	position := in.fset.Position(call.Pos())
	in.cases = append(in.cases, caseRecord{
		Name: name, Path: rel, ExpectError: expectError,
		Source: fmt.Sprintf("%s:%d", filepath.Base(position.Filename), position.Line),
	})
}

func isKustomizationFile(file string) bool {
	switch filepath.Base(file) {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return false
}

// inTree maps a path of the harness's in-memory file system (rooted at "/", relative paths
// taken from the root) to a path relative to the case folder.
func inTree(p string) (string, bool) {
	clean := filepath.Clean("/" + p)
	if clean == "/" {
		return ".", true
	}
	rel := strings.TrimPrefix(clean, "/")
	return rel, !strings.HasPrefix(rel, "..")
}

func (in *interpreter) fail(err error) {
	if in.err == nil {
		in.err = err
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func (in *interpreter) caseName() string {
	parts := append([]string{in.test}, in.subtests...)
	base := unsafeName.ReplaceAllString(strings.Join(parts, "__"), "_")
	in.runs[base]++
	if n := in.runs[base]; n > 1 {
		return fmt.Sprintf("%s_%d", base, n)
	}
	return base
}

package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const maxCallDepth = 50

func (in *interpreter) eval(expr ast.Expr, env *scope) value {
	switch e := expr.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING, token.CHAR:
			if s, err := strconv.Unquote(e.Value); err == nil {
				return s
			}
		case token.INT:
			if n, err := strconv.Atoi(e.Value); err == nil {
				return n
			}
		}
		return unknown{"literal " + e.Value}
	case *ast.Ident:
		return in.ident(e.Name, env)
	case *ast.ParenExpr:
		return in.eval(e.X, env)
	case *ast.BinaryExpr:
		return binary(e.Op, in.eval(e.X, env), in.eval(e.Y, env))
	case *ast.UnaryExpr:
		x := in.eval(e.X, env)
		if b, ok := x.(bool); ok && e.Op == token.NOT {
			return !b
		}
		if e.Op == token.AND {
			return x
		}
	case *ast.StarExpr:
		return in.eval(e.X, env)
	case *ast.CompositeLit:
		return in.composite(e, env)
	case *ast.FuncLit:
		return &closure{params: paramNames(e.Type), body: e.Body, env: env}
	case *ast.SelectorExpr:
		if s, ok := in.eval(e.X, env).(*structVal); ok {
			if v, found := s.fields[e.Sel.Name]; found {
				return v
			}
			return unknown{"zero field " + e.Sel.Name}
		}
	case *ast.IndexExpr:
		return index(in.eval(e.X, env), in.eval(e.Index, env))
	case *ast.CallExpr:
		return in.call(e, env)
	}
	return unknown{fmt.Sprintf("%T", expr)}
}

func (in *interpreter) ident(name string, env *scope) value {
	if v, ok := env.lookup(name); ok {
		return v
	}
	switch name {
	case "true":
		return true
	case "false":
		return false
	case "nil":
		return nil
	}
	if v, ok := in.cache[name]; ok {
		return v
	}
	if expr, ok := in.globals[name]; ok {
		in.cache[name] = unknown{"recursive constant"}
		v := in.eval(expr, newScope(nil))
		in.cache[name] = v
		return v
	}
	if fn, ok := in.funcs[name]; ok {
		return &closure{params: paramNames(fn.Type), body: fn.Body, env: nil}
	}
	return unknown{"identifier " + name}
}

func binary(op token.Token, x, y value) value {
	switch a := x.(type) {
	case string:
		if b, ok := y.(string); ok {
			return addOrCompare(op, a, b)
		}
	case int:
		if b, ok := y.(int); ok {
			return addOrCompare(op, a, b)
		}
	case bool:
		if b, ok := y.(bool); ok {
			switch op {
			case token.LAND:
				return a && b
			case token.LOR:
				return a || b
			case token.EQL:
				return a == b
			}
		}
	}
	return unknown{"operator " + op.String()}
}

func addOrCompare[T string | int](op token.Token, a, b T) value {
	switch op {
	case token.ADD:
		return a + b
	case token.EQL:
		return a == b
	case token.NEQ:
		return a != b
	}
	return unknown{"operator " + op.String()}
}

func index(x, i value) value {
	switch c := x.(type) {
	case sliceVal:
		if n, ok := i.(int); ok && n >= 0 && n < len(c) {
			return c[n]
		}
	case *mapVal:
		for k, key := range c.keys {
			if key == i {
				return c.vals[k]
			}
		}
	}
	return unknown{"index"}
}

func (in *interpreter) composite(e *ast.CompositeLit, env *scope) value {
	isMap, isSlice := false, false
	switch t := e.Type.(type) {
	case *ast.MapType:
		isMap = true
	case *ast.ArrayType:
		isSlice = true
	case nil:
		// An elided type: a struct when keyed by field names, a slice otherwise.
		isSlice = len(e.Elts) > 0
		for _, elt := range e.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				_, isField := kv.Key.(*ast.Ident)
				isSlice, isMap = false, !isField
				break
			}
		}
	default:
		_ = t
	}
	switch {
	case isMap:
		m := &mapVal{}
		for _, elt := range e.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				m.keys = append(m.keys, in.eval(kv.Key, env))
				m.vals = append(m.vals, in.eval(kv.Value, env))
			}
		}
		return m
	case isSlice:
		s := sliceVal{}
		for _, elt := range e.Elts {
			s = append(s, in.eval(elt, env))
		}
		return s
	}
	st := &structVal{fields: map[string]value{}}
	for _, elt := range e.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if key, ok := kv.Key.(*ast.Ident); ok {
				st.fields[key.Name] = in.eval(kv.Value, env)
			}
		}
	}
	return st
}

func paramNames(t *ast.FuncType) []string {
	var names []string
	for _, field := range t.Params.List {
		if len(field.Names) == 0 {
			names = append(names, "_")
		}
		for _, name := range field.Names {
			names = append(names, name.Name)
		}
	}
	return names
}

func (in *interpreter) call(e *ast.CallExpr, env *scope) value {
	args := func() []value {
		values := make([]value, len(e.Args))
		for i, a := range e.Args {
			values[i] = in.eval(a, env)
		}
		return values
	}
	switch fun := e.Fun.(type) {
	case *ast.ArrayType: // []byte(s)
		if len(e.Args) == 1 {
			return in.eval(e.Args[0], env)
		}
	case *ast.Ident:
		switch fun.Name {
		case "string":
			return in.eval(e.Args[0], env)
		case "len":
			switch x := in.eval(e.Args[0], env).(type) {
			case string:
				return len(x)
			case sliceVal:
				return len(x)
			}
			return unknown{"len"}
		case "append":
			a := args()
			if s, ok := a[0].(sliceVal); ok {
				return append(append(sliceVal{}, s...), a[1:]...)
			}
			return unknown{"append"}
		}
		if _, local := env.lookup(fun.Name); !local {
			if _, isFunc := in.funcs[fun.Name]; !isFunc {
				return unknown{"call " + fun.Name}
			}
		}
	case *ast.SelectorExpr:
		if pkg, ok := fun.X.(*ast.Ident); ok {
			if _, local := env.lookup(pkg.Name); !local && in.globals[pkg.Name] == nil {
				return in.packageCall(pkg.Name, fun.Sel.Name, args())
			}
		}
		switch recv := in.eval(fun.X, env).(type) {
		case *harness:
			return in.harnessCall(e, recv, fun.Sel.Name, args())
		case testingT:
			return in.testingCall(fun.Sel.Name, e.Args, env)
		}
		return unknown{"method " + fun.Sel.Name}
	}
	return in.apply(in.eval(e.Fun, env), args())
}

// apply calls a closure (a function literal or a package-level helper of the test files).
func (in *interpreter) apply(fn value, args []value) value {
	c, ok := fn.(*closure)
	if !ok || in.depth > maxCallDepth {
		return unknown{"call of a non-function"}
	}
	env := newScope(c.env)
	for i, name := range c.params {
		if i < len(args) {
			env.vars[name] = args[i]
		}
	}
	in.depth++
	defer func() { in.depth-- }()
	f := in.block(c.body.List, env)
	if f.kind == token.RETURN && len(f.values) > 0 {
		return f.values[0]
	}
	return unknown{"no result"}
}

func (in *interpreter) packageCall(pkg, name string, args []value) value {
	switch pkg + "." + name {
	case "kusttest_test.MakeHarness", "kusttest_test.MakeEnhancedHarness",
		"kusttest_test.MakeEnhancedHarnessWithTmpRoot":
		return &harness{files: map[string]string{}, dirs: map[string]bool{}}
	case "kusttest_test.MakeHarnessWithFs":
		return &harness{files: map[string]string{}, dirs: map[string]bool{},
			taint: "the test supplies its own file system"}
	case "fmt.Sprintf":
		return sprintf(args)
	case "strings.Repeat":
		if s, ok := args[0].(string); ok {
			if n, ok := args[1].(int); ok && n >= 0 && n < 1<<16 {
				return strings.Repeat(s, n)
			}
		}
	case "strings.ReplaceAll":
		if s, ok := args[0].(string); ok {
			if o, ok := args[1].(string); ok {
				if n, ok := args[2].(string); ok {
					return strings.ReplaceAll(s, o, n)
				}
			}
		}
	case "strings.TrimSpace":
		if s, ok := args[0].(string); ok {
			return strings.TrimSpace(s)
		}
	case "filepath.Join", "path.Join":
		parts := make([]string, len(args))
		for i, a := range args {
			s, ok := a.(string)
			if !ok {
				return unknown{"path part"}
			}
			parts[i] = s
		}
		return filepath.Join(parts...)
	case "os.ReadFile":
		// The tests run in the package folder; a few read their fixtures from testdata/.
		if name, ok := args[0].(string); ok && filepath.IsLocal(name) {
			if data, err := os.ReadFile(filepath.Join(in.srcDir, name)); err == nil {
				return string(data)
			}
		}
	case "konfig.RecognizedKustomizationFileNames":
		return sliceVal{"kustomization.yaml", "kustomization.yml", "Kustomization"}
	case "konfig.DefaultKustomizationFileName":
		return "kustomization.yaml"
	}
	return unknown{"call " + pkg + "." + name}
}

func sprintf(args []value) value {
	format, ok := args[0].(string)
	if !ok {
		return unknown{"format"}
	}
	rest := make([]any, 0, len(args)-1)
	for _, a := range args[1:] {
		switch a.(type) {
		case string, int, bool:
			rest = append(rest, a)
		default:
			return unknown{"Sprintf argument"}
		}
	}
	return fmt.Sprintf(format, rest...)
}

func (in *interpreter) harnessCall(call *ast.CallExpr, h *harness, method string, args []value) value {
	arg := func(i int) (string, bool) {
		if i >= len(args) {
			return "", false
		}
		s, ok := args[i].(string)
		return s, ok
	}
	write := func(file, header string) {
		dir, okPath := arg(0)
		content, okContent := arg(1)
		if !okPath || !okContent {
			h.taint = "a file's path or content (" + method + ")"
			return
		}
		if file != "" {
			dir = filepath.Join(dir, file)
		}
		rel, inside := inTree(dir)
		if !inside {
			h.taint = "a file outside the file system root"
			return
		}
		h.files[rel] = header + content
	}
	switch method {
	case "WriteK":
		write("kustomization.yaml", "\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
	case "WriteC":
		write("kustomization.yaml", "\napiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n")
	case "WriteF":
		write("", "")
	case "MkDir":
		if dir, ok := arg(0); ok {
			if rel, inside := inTree(dir); inside {
				h.dirs[rel] = true
				return "/" + rel
			}
		}
		h.taint = "a folder"
		return unknown{"MkDir"}
	case "WriteLegacyConfigs":
		h.taint = "kustomize's built-in field specs written as a file (WriteLegacyConfigs)"
	case "Reset":
		h.files, h.dirs, h.taint = map[string]string{}, map[string]bool{}, ""
	case "GetRoot":
		return "/"
	case "PrepBuiltin", "BuildGoPlugin", "PrepExecPlugin":
		h.plugins = true
		return h
	case "MakeDefaultOptions", "MakeOptionsPluginsDisabled":
		return &options{}
	case "MakeOptionsPluginsEnabled":
		return &options{plugins: true}
	case "Run", "RunWithErr":
		var opts value = unknown{"options"}
		if len(args) > 1 {
			opts = args[1]
		}
		var dir value = unknown{"path"}
		if len(args) > 0 {
			dir = args[0]
		}
		in.recordRun(call, h, dir, opts, method == "RunWithErr")
	}
	return unknown{"harness." + method}
}

func (in *interpreter) testingCall(method string, argExprs []ast.Expr, env *scope) value {
	switch method {
	case "Skip", "Skipf", "SkipNow":
		panic(skipTest{})
	case "Run":
		if len(argExprs) != 2 {
			return unknown{"t.Run"}
		}
		name, ok := in.eval(argExprs[0], env).(string)
		if !ok {
			name = "sub"
		}
		fn := in.eval(argExprs[1], env)
		in.subtests = append(in.subtests, name)
		skipped := false
		func() {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(skipTest); !ok {
						panic(r)
					}
					skipped = true
				}
			}()
			in.apply(fn, []value{testingT{}})
		}()
		if skipped {
			in.skipped = append(in.skipped, skipRecord{in.caseName(), "skipped upstream (t.Skip)"})
		}
		in.subtests = in.subtests[:len(in.subtests)-1]
	}
	return unknown{"t." + method}
}

package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
)

// Values the interpreter knows. Anything else evaluates to unknown, which poisons what it
// reaches: a file written with unknown content makes the harness's later builds undeterminable.
type (
	value   any
	unknown struct{ why string }
	// harness is kusttest_test.Harness or HarnessEnhanced: the files written so far.
	harness struct {
		files   map[string]string // path relative to the root -> content
		dirs    map[string]bool
		plugins bool
		taint   string
	}
	options struct {
		plugins bool
		changed []string
	}
	testingT struct{}
	closure  struct {
		params []string
		body   *ast.BlockStmt
		env    *scope
	}
	structVal struct{ fields map[string]value }
	sliceVal  []value
	mapVal    struct{ keys, vals []value }
	builtin   func(args []value) value
)

type scope struct {
	vars   map[string]value
	parent *scope
}

func (s *scope) lookup(name string) (value, bool) {
	for ; s != nil; s = s.parent {
		if v, ok := s.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

func (s *scope) set(name string, v value) {
	for c := s; c != nil; c = c.parent {
		if _, ok := c.vars[name]; ok {
			c.vars[name] = v
			return
		}
	}
	s.vars[name] = v
}

func newScope(parent *scope) *scope { return &scope{vars: map[string]value{}, parent: parent} }

// flow is how a statement ends: normally, by return (with values), or by break/continue.
type flow struct {
	kind   token.Token // 0, token.RETURN, token.BREAK, token.CONTINUE
	values []value
}

type skipTest struct{}

type interpreter struct {
	fset     *token.FileSet
	srcDir   string
	casesDir string
	funcs    map[string]*ast.FuncDecl
	globals  map[string]ast.Expr
	cache    map[string]value
	cases    []caseRecord
	skipped  []skipRecord
	err      error

	test     string
	subtests []string
	runs     map[string]int
	depth    int
}

func newInterpreter(fset *token.FileSet, srcDir, casesDir string) *interpreter {
	return &interpreter{fset: fset, srcDir: srcDir, casesDir: casesDir, funcs: map[string]*ast.FuncDecl{},
		globals: map[string]ast.Expr{}, cache: map[string]value{}, runs: map[string]int{}}
}

func (in *interpreter) declare(file *ast.File) {
	for _, decl := range file.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				in.funcs[d.Name.Name] = d
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						in.globals[name.Name] = vs.Values[i]
					}
				}
			}
		}
	}
}

func (in *interpreter) runTest(fn *ast.FuncDecl) {
	in.test = fn.Name.Name
	in.subtests = nil
	before := len(in.cases) + len(in.skipped)
	env := newScope(nil)
	for _, field := range fn.Type.Params.List {
		for _, name := range field.Names {
			env.vars[name.Name] = testingT{}
		}
	}
	if in.callBody(fn.Body, env) {
		in.skipped = append(in.skipped, skipRecord{in.test, "skipped upstream (t.Skip)"})
		return
	}
	if len(in.cases)+len(in.skipped) == before {
		in.skipped = append(in.skipped, skipRecord{in.test,
			"not a harness build: the test builds through its own file system or loader, or calls no Run the extractor can reach"})
	}
}

// callBody runs a test body; it reports whether the test called t.Skip.
func (in *interpreter) callBody(body *ast.BlockStmt, env *scope) (skipped bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(skipTest); !ok {
				panic(r)
			}
			skipped = true
		}
	}()
	in.block(body.List, env)
	return false
}

func (in *interpreter) block(stmts []ast.Stmt, env *scope) flow {
	for _, stmt := range stmts {
		if f := in.stmt(stmt, env); f.kind != 0 {
			return f
		}
	}
	return flow{}
}

func (in *interpreter) stmt(stmt ast.Stmt, env *scope) flow {
	switch s := stmt.(type) {
	case *ast.ExprStmt:
		in.eval(s.X, env)
	case *ast.AssignStmt:
		in.assign(s, env)
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok {
			for _, spec := range gd.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok {
					for i, name := range vs.Names {
						var v value = unknown{"declared without value"}
						if i < len(vs.Values) {
							v = in.eval(vs.Values[i], env)
						} else if t, ok := vs.Type.(*ast.Ident); ok && t.Name == "string" {
							v = ""
						}
						env.vars[name.Name] = v
					}
				}
			}
		}
	case *ast.BlockStmt:
		return in.block(s.List, newScope(env))
	case *ast.IfStmt:
		inner := newScope(env)
		if s.Init != nil {
			in.stmt(s.Init, inner)
		}
		cond, known := in.eval(s.Cond, inner).(bool)
		switch {
		case known && cond:
			return in.block(s.Body.List, newScope(inner))
		case known && s.Else != nil:
			return in.stmt(s.Else, inner)
		}
	case *ast.RangeStmt:
		return in.rangeLoop(s, env)
	case *ast.ReturnStmt:
		values := make([]value, len(s.Results))
		for i, r := range s.Results {
			values[i] = in.eval(r, env)
		}
		return flow{kind: token.RETURN, values: values}
	case *ast.BranchStmt:
		if s.Tok == token.BREAK || s.Tok == token.CONTINUE {
			return flow{kind: s.Tok}
		}
	}
	// defer (th.Reset and the like), for, switch, go, ...: nothing a build's inputs depend on.
	return flow{}
}

func (in *interpreter) assign(s *ast.AssignStmt, env *scope) {
	values := make([]value, len(s.Lhs))
	if len(s.Rhs) == len(s.Lhs) {
		for i, r := range s.Rhs {
			values[i] = in.eval(r, env)
		}
	} else {
		first := in.eval(s.Rhs[0], env)
		for i := range values {
			values[i] = unknown{"second result"}
		}
		values[0] = first
	}
	for i, lhs := range s.Lhs {
		v := values[i]
		if s.Tok == token.ADD_ASSIGN {
			v = binary(token.ADD, in.eval(lhs, env), v)
		}
		switch target := lhs.(type) {
		case *ast.Ident:
			if target.Name == "_" {
				continue
			}
			if s.Tok == token.DEFINE {
				env.vars[target.Name] = v
			} else {
				env.set(target.Name, v)
			}
		case *ast.SelectorExpr:
			switch base := in.eval(target.X, env).(type) {
			case *options:
				base.changed = append(base.changed, target.Sel.Name)
			case *structVal:
				base.fields[target.Sel.Name] = v
			}
		}
	}
}

func (in *interpreter) rangeLoop(s *ast.RangeStmt, env *scope) flow {
	var keys, vals []value
	switch x := in.eval(s.X, env).(type) {
	case sliceVal:
		for i, v := range x {
			keys, vals = append(keys, i), append(vals, v)
		}
	case *mapVal:
		order := make([]int, len(x.keys))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool {
			return keyString(x.keys[order[a]]) < keyString(x.keys[order[b]])
		})
		for _, i := range order {
			keys, vals = append(keys, x.keys[i]), append(vals, x.vals[i])
		}
	default:
		return flow{}
	}
	for i := range keys {
		inner := newScope(env)
		if id, ok := s.Key.(*ast.Ident); ok && id.Name != "_" {
			inner.vars[id.Name] = keys[i]
		}
		if id, ok := s.Value.(*ast.Ident); ok && id.Name != "_" {
			inner.vars[id.Name] = vals[i]
		}
		f := in.block(s.Body.List, inner)
		if f.kind == token.RETURN {
			return f
		}
		if f.kind == token.BREAK {
			break
		}
	}
	return flow{}
}

func keyString(v value) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

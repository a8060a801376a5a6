package admission

import (
	"context"
	"errors"
	"slices"
	"testing"

	"keel.dev/apimachinery/pkg/runtime/schema"
)

// recorder is a plugin that logs its calls and may refuse.
type recorder struct {
	name    string
	gr      schema.GroupResource
	ops     []Operation
	log     *[]string
	refuse  bool
	mutates bool
}

func (r *recorder) Handles(op Operation, gr schema.GroupResource) bool {
	return gr == r.gr && slices.Contains(r.ops, op)
}

type validator struct{ recorder }

func (r *validator) Validate(ctx context.Context, a *Attributes) error {
	*r.log = append(*r.log, "validate:"+r.name)
	if r.refuse {
		return NewForbidden(a, errors.New("no"))
	}
	return nil
}

type mutator struct{ recorder }

func (m *mutator) Admit(ctx context.Context, a *Attributes) error {
	*m.log = append(*m.log, "admit:"+m.name)
	return nil
}

func TestChainNarrowsAndOrders(t *testing.T) {
	pods := schema.GroupResource{Resource: "pods"}
	cms := schema.GroupResource{Resource: "configmaps"}
	var log []string
	m := &mutator{recorder{name: "m", gr: pods, ops: []Operation{Create}, log: &log}}
	v := &validator{recorder{name: "v", gr: pods, ops: []Operation{Create, Update}, log: &log}}
	deny := &validator{recorder{name: "deny", gr: pods, ops: []Operation{Update}, log: &log, refuse: true}}
	c := NewChain([]string{"m", "v", "deny"}, []Plugin{m, v, deny})

	if got := c.ForResource(cms); got != nil {
		t.Fatalf("configmaps got a chain %v", got.Names())
	}
	pc := c.ForResource(pods)
	if !slices.Equal(pc.Names(), []string{"m", "v", "deny"}) {
		t.Fatalf("names %v", pc.Names())
	}
	for _, tc := range []struct {
		op                Operation
		mutates, validate bool
	}{{Create, true, true}, {Update, false, true}, {Delete, false, false}} {
		if pc.Mutates(tc.op) != tc.mutates || pc.Validates(tc.op) != tc.validate {
			t.Errorf("%s: mutates %v validates %v", tc.op, pc.Mutates(tc.op), pc.Validates(tc.op))
		}
	}
	a := &Attributes{Operation: Create, Resource: pods, Name: "p"}
	if err := pc.Admit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if err := pc.Validate(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(log, []string{"admit:m", "validate:v"}) {
		t.Fatalf("create ran %v", log)
	}
	log = nil
	a.Operation = Update
	err := pc.Validate(context.Background(), a)
	if err == nil || err.Error() != `pods "p" is forbidden: no` {
		t.Fatalf("update: %v", err)
	}
	if !slices.Equal(log, []string{"validate:v", "validate:deny"}) {
		t.Fatalf("update ran %v", log)
	}
	var nilChain *Chain
	if nilChain.Mutates(Create) || nilChain.Validates(Create) || nilChain.Admit(context.Background(), a) != nil {
		t.Fatal("a nil chain must admit everything")
	}
}

func TestJoinErrors(t *testing.T) {
	for _, tc := range []struct {
		errs []error
		want string
	}{
		{nil, ""},
		{[]error{errors.New("a")}, "a"},
		{[]error{errors.New("a"), errors.New("b")}, "[a, b]"},
	} {
		got := ""
		if err := JoinErrors(tc.errs); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("JoinErrors(%v) = %q, want %q", tc.errs, got, tc.want)
		}
	}
	if got := NewForbidden(&Attributes{Resource: schema.GroupResource{Group: "apps", Resource: "deployments"}}, errors.New("x")).Error(); got != `deployments.apps "Unknown" is forbidden: x` {
		t.Errorf("unnamed: %q", got)
	}
}

// subValidator also judges writes to the subresources it names.
type subValidator struct {
	validator
	subs []string
}

func (s *subValidator) HandlesSubresource(sub string) bool { return slices.Contains(s.subs, sub) }

func TestSubresourceWritesReachOnlySubresourceHandlers(t *testing.T) {
	pods := schema.GroupResource{Resource: "pods"}
	var log []string
	plain := &validator{recorder{name: "plain", gr: pods, ops: []Operation{Create, Update}, log: &log}}
	status := &subValidator{validator{recorder{name: "status", gr: pods, ops: []Operation{Create, Update}, log: &log}}, []string{"status"}}
	c := NewChain([]string{"plain", "status"}, []Plugin{plain, status}).ForResource(pods)
	for _, tc := range []struct {
		sub  string
		want []string
		acts bool
	}{
		{"", []string{"validate:plain", "validate:status"}, false},
		{"status", []string{"validate:status"}, true},
		{"eviction", nil, false},
	} {
		t.Run("subresource "+tc.sub, func(t *testing.T) {
			log = nil
			if err := c.Validate(context.Background(), &Attributes{Operation: Update, Resource: pods, Subresource: tc.sub, Name: "p"}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(log, tc.want) {
				t.Errorf("ran %v, want %v", log, tc.want)
			}
			if tc.sub != "" && c.ActsOnSubresource(tc.sub) != tc.acts {
				t.Errorf("ActsOnSubresource(%q) = %v", tc.sub, !tc.acts)
			}
		})
	}
}

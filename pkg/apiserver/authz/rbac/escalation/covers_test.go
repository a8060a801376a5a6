package escalation

import (
	"reflect"
	"testing"

	rbacv1 "keel.dev/api/rbac/v1"
)

func pr(verbs, groups, resources []string, names ...string) rbacv1.PolicyRule {
	r := rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources}
	if len(names) > 0 {
		r.ResourceNames = names
	}
	return r
}

func urls(verbs []string, u ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, NonResourceURLs: u}
}

func s(v ...string) []string { return v }

func TestCovers(t *testing.T) {
	cases := []struct {
		name    string
		held    []rbacv1.PolicyRule
		wanted  []rbacv1.PolicyRule
		missing []rbacv1.PolicyRule
	}{
		{"an exact rule covers itself",
			[]rbacv1.PolicyRule{pr(s("get", "list"), s(""), s("pods"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods"))}, nil},
		{"nothing held misses every piece, in order",
			nil,
			[]rbacv1.PolicyRule{pr(s("get", "list"), s("", "apps"), s("pods"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods")), pr(s("list"), s(""), s("pods")),
				pr(s("get"), s("apps"), s("pods")), pr(s("list"), s("apps"), s("pods"))}},
		{"pieces may be covered by different held rules",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods")), pr(s("list"), s(""), s("pods"))},
			[]rbacv1.PolicyRule{pr(s("get", "list"), s(""), s("pods"))}, nil},
		{"a held * covers every verb, group and resource",
			[]rbacv1.PolicyRule{pr(s("*"), s("*"), s("*"))},
			[]rbacv1.PolicyRule{pr(s("escalate", "*"), s("rbac.authorization.k8s.io", "*"), s("clusterroles", "*", "pods/log"), "x")}, nil},
		{"a wanted * is only covered by a held *",
			[]rbacv1.PolicyRule{pr(s("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"), s(""), s("pods"))},
			[]rbacv1.PolicyRule{pr(s("*"), s(""), s("pods"))},
			[]rbacv1.PolicyRule{pr(s("*"), s(""), s("pods"))}},
		{"a wanted resource * is not covered by every named resource",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods", "services"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("*"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("*"))}},
		{"*/sub covers that subresource of any resource, not the resource",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("*/status"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods/status", "pods", "pods/log"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods")), pr(s("get"), s(""), s("pods/log"))}},
		{"a held resource does not cover its subresources",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods/log"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods/log"))}},
		{"a held rule with names covers only those names",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("configmaps"), "a", "b")},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("configmaps"), "a", "c")},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("configmaps"), "c")}},
		{"a held rule with names does not cover every name",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("configmaps"), "a")},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("configmaps"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("configmaps"))}},
		{"a held rule without names covers any name",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("configmaps"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("configmaps"), "a", "b")}, nil},
		{"a wrong group is not covered",
			[]rbacv1.PolicyRule{pr(s("get"), s("apps"), s("deployments"))},
			[]rbacv1.PolicyRule{pr(s("get"), s("extensions"), s("deployments"))},
			[]rbacv1.PolicyRule{pr(s("get"), s("extensions"), s("deployments"))}},
		{"paths are covered exactly or by a trailing *",
			[]rbacv1.PolicyRule{urls(s("get"), "/healthz", "/apis/*")},
			[]rbacv1.PolicyRule{urls(s("get"), "/healthz", "/apis/apps", "/api", "/healthz/etcd")},
			[]rbacv1.PolicyRule{urls(s("get"), "/api"), urls(s("get"), "/healthz/etcd")}},
		{"a held * path covers every path, not other verbs",
			[]rbacv1.PolicyRule{urls(s("get"), "*")},
			[]rbacv1.PolicyRule{urls(s("get", "post"), "/metrics")},
			[]rbacv1.PolicyRule{urls(s("post"), "/metrics")}},
		{"resource rules never cover paths, nor path rules resources",
			[]rbacv1.PolicyRule{pr(s("*"), s("*"), s("*")), urls(s("get"), "*")},
			[]rbacv1.PolicyRule{urls(s("delete"), "/x"), pr(s("get"), s(""), s("pods"))},
			[]rbacv1.PolicyRule{urls(s("delete"), "/x")}},
		{"repeated wanted rules repeat their missing pieces",
			nil,
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods")), pr(s("get"), s(""), s("pods"))},
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods")), pr(s("get"), s(""), s("pods"))}},
		{"no wanted rules are always covered", nil, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, missing := Covers(c.held, c.wanted)
			if ok != (len(c.missing) == 0) {
				t.Errorf("covered = %v, want %v", ok, len(c.missing) == 0)
			}
			if !reflect.DeepEqual(missing, c.missing) {
				t.Errorf("missing\n got  %v\n want %v", missing, c.missing)
			}
		})
	}
}

func TestCompact(t *testing.T) {
	cases := []struct {
		name     string
		in, want []rbacv1.PolicyRule
	}{
		{"verbs of the same group and resource merge in order",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods")), pr(s("list"), s("apps"), s("deployments")), pr(s("watch"), s(""), s("pods"))},
			[]rbacv1.PolicyRule{pr(s("get", "watch"), s(""), s("pods")), pr(s("list"), s("apps"), s("deployments"))}},
		{"a single name is part of the key",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("cm"), "a"), pr(s("list"), s(""), s("cm"), "a"), pr(s("get"), s(""), s("cm"), "b"), pr(s("get"), s(""), s("cm"))},
			[]rbacv1.PolicyRule{pr(s("get", "list"), s(""), s("cm"), "a"), pr(s("get"), s(""), s("cm"), "b"), pr(s("get"), s(""), s("cm"))}},
		{"repeated verbs stay repeated",
			[]rbacv1.PolicyRule{pr(s("get"), s(""), s("pods")), pr(s("get"), s(""), s("pods"))},
			[]rbacv1.PolicyRule{pr(s("get", "get"), s(""), s("pods"))}},
		{"path rules and rules with several groups, resources or names pass through",
			[]rbacv1.PolicyRule{urls(s("get"), "/a"), urls(s("post"), "/a"), pr(s("get"), s("", "apps"), s("pods")), pr(s("get"), s(""), s("cm"), "a", "b")},
			[]rbacv1.PolicyRule{urls(s("get"), "/a"), urls(s("post"), "/a"), pr(s("get"), s("", "apps"), s("pods")), pr(s("get"), s(""), s("cm"), "a", "b")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := make([]rbacv1.PolicyRule, len(c.in))
			for i := range c.in {
				in[i] = *c.in[i].DeepCopy()
			}
			if got := Compact(in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %v\nwant %v", got, c.want)
			}
			if !reflect.DeepEqual(in, c.in) {
				t.Errorf("Compact changed its input: %v", in)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	cases := []struct {
		name string
		rule rbacv1.PolicyRule
		want string
	}{
		{"a resource rule", pr(s("get", "list"), s(""), s("pods")), `{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}`},
		{"a rule with names", pr(s("get"), s("apps"), s("deployments"), "web"), `{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["web"], Verbs:["get"]}`},
		{"a path rule", urls(s("get"), "/metrics"), `{NonResourceURLs:["/metrics"], Verbs:["get"]}`},
		{"an empty rule", rbacv1.PolicyRule{}, `{}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Describe(c.rule); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestDescribeMissing(t *testing.T) {
	_, missing := Covers(nil, []rbacv1.PolicyRule{
		pr(s("list", "get"), s("apps", ""), s("pods")),
		urls(s("get"), "/metrics"),
		pr(s("get"), s(""), s("pods")),
	})
	want := `{APIGroups:[""], Resources:["pods"], Verbs:["list" "get" "get"]}` + "\n" +
		`{APIGroups:["apps"], Resources:["pods"], Verbs:["list" "get"]}` + "\n" +
		`{NonResourceURLs:["/metrics"], Verbs:["get"]}`
	if got := describeMissing(missing); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

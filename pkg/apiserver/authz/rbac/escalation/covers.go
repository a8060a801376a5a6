package escalation

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "keel.dev/api/rbac/v1"
)

// Covers reports whether the held rules together grant everything the
// wanted rules grant, and returns the pieces they do not: each has one verb
// and either one API group, resource and (when the wanted rule names
// objects) resource name, or one non-resource URL. Pieces come out in the
// order of the wanted rules, groups, resources, verbs and names (then URLs
// and verbs), repeated when the wanted rules repeat themselves.
func Covers(held, wanted []rbacv1.PolicyRule) (bool, []rbacv1.PolicyRule) {
	var missing []rbacv1.PolicyRule
	for i := range wanted {
		forEachPiece(&wanted[i], func(p piece) {
			if !coveredByAny(held, p) {
				missing = append(missing, p.rule())
			}
		})
	}
	return len(missing) == 0, missing
}

// piece is one atomic permission: a verb on a group, resource and optional
// name, or a verb on a URL (url set).
type piece struct {
	verb, group, resource, name, url string
	named, nonResource               bool
}

// rule returns the piece as a policy rule.
func (p piece) rule() rbacv1.PolicyRule {
	if p.nonResource {
		return rbacv1.PolicyRule{Verbs: []string{p.verb}, NonResourceURLs: []string{p.url}}
	}
	r := rbacv1.PolicyRule{Verbs: []string{p.verb}, APIGroups: []string{p.group}, Resources: []string{p.resource}}
	if p.named {
		r.ResourceNames = []string{p.name}
	}
	return r
}

// forEachPiece calls fn with every piece of r without building the list.
func forEachPiece(r *rbacv1.PolicyRule, fn func(piece)) {
	for _, group := range r.APIGroups {
		for _, res := range r.Resources {
			for _, verb := range r.Verbs {
				if len(r.ResourceNames) == 0 {
					fn(piece{verb: verb, group: group, resource: res})
					continue
				}
				for _, name := range r.ResourceNames {
					fn(piece{verb: verb, group: group, resource: res, name: name, named: true})
				}
			}
		}
	}
	for _, url := range r.NonResourceURLs {
		for _, verb := range r.Verbs {
			fn(piece{verb: verb, url: url, nonResource: true})
		}
	}
}

func coveredByAny(held []rbacv1.PolicyRule, p piece) bool {
	for i := range held {
		if covers(&held[i], p) {
			return true
		}
	}
	return false
}

// covers reports whether one held rule grants the piece. Wildcards in the
// piece are literal: only a held "*" covers a wanted "*".
func covers(h *rbacv1.PolicyRule, p piece) bool {
	if !slices.Contains(h.Verbs, rbacv1.VerbAll) && !slices.Contains(h.Verbs, p.verb) {
		return false
	}
	if p.nonResource {
		// A held resource rule has no URLs and covers no path.
		if len(h.ResourceNames) > 0 {
			return false
		}
		for _, u := range h.NonResourceURLs {
			if urlCovers(u, p.url) {
				return true
			}
		}
		return false
	}
	if !slices.Contains(h.APIGroups, rbacv1.APIGroupAll) && !slices.Contains(h.APIGroups, p.group) {
		return false
	}
	if !resourceCovers(h.Resources, p.resource) {
		return false
	}
	if len(h.ResourceNames) == 0 {
		return true
	}
	// A rule limited to names covers only those names, never "every name".
	return p.named && slices.Contains(h.ResourceNames, p.name)
}

// resourceCovers: "*", the resource itself (with its subresource), or
// "*/<sub>" for a "<resource>/<sub>".
func resourceCovers(held []string, res string) bool {
	if slices.Contains(held, rbacv1.ResourceAll) || slices.Contains(held, res) {
		return true
	}
	_, sub, ok := strings.Cut(res, "/")
	return ok && slices.Contains(held, "*/"+sub)
}

// urlCovers: the path itself, or a prefix ending in "*".
func urlCovers(held, url string) bool {
	return held == url || strings.HasSuffix(held, "*") && strings.HasPrefix(url, strings.TrimRight(held, "*"))
}

// simpleKey groups the resource pieces Compact merges: same group,
// resource and (optional) single name.
type simpleKey struct {
	group, resource, name string
	named                 bool
}

// Compact merges rules that differ only in their verbs — one group, one
// resource, at most one name and nothing else — into one rule per group,
// resource and name, keeping the verbs in order (repeats included); other
// rules pass through unchanged. It shortens the list Covers returns.
func Compact(rules []rbacv1.PolicyRule) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, 0, len(rules))
	merged := map[simpleKey]int{} // index in out
	for _, r := range rules {
		k, ok := simple(&r)
		if !ok {
			out = append(out, r)
			continue
		}
		if i, seen := merged[k]; seen {
			out[i].Verbs = append(out[i].Verbs, r.Verbs...)
			continue
		}
		merged[k] = len(out)
		out = append(out, *r.DeepCopy())
	}
	return out
}

func simple(r *rbacv1.PolicyRule) (simpleKey, bool) {
	if len(r.APIGroups) != 1 || len(r.Resources) != 1 || len(r.ResourceNames) > 1 || len(r.NonResourceURLs) > 0 {
		return simpleKey{}, false
	}
	k := simpleKey{group: r.APIGroups[0], resource: r.Resources[0]}
	if len(r.ResourceNames) == 1 {
		k.name, k.named = r.ResourceNames[0], true
	}
	return k, true
}

// Describe words a rule as Kubernetes' escalation message does: the
// non-empty lists among APIGroups, Resources, NonResourceURLs,
// ResourceNames and Verbs, each as a Go-quoted list, e.g.
// {APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}.
func Describe(r rbacv1.PolicyRule) string {
	var parts []string
	for _, f := range []struct {
		name   string
		values []string
	}{
		{"APIGroups", r.APIGroups}, {"Resources", r.Resources}, {"NonResourceURLs", r.NonResourceURLs},
		{"ResourceNames", r.ResourceNames}, {"Verbs", r.Verbs},
	} {
		if len(f.values) > 0 {
			parts = append(parts, fmt.Sprintf("%s:%q", f.name, f.values))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// describeMissing compacts the missing pieces and words them one per
// line, sorted, without repeats.
func describeMissing(missing []rbacv1.PolicyRule) string {
	var lines []string
	for _, r := range Compact(missing) {
		lines = append(lines, Describe(r))
	}
	slices.Sort(lines)
	return strings.Join(slices.Compact(lines), "\n")
}

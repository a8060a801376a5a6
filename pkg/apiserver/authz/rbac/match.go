package rbac

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "keel.dev/api/rbac/v1"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
)

// serviceAccountUserPrefix starts the user name of a service account.
const serviceAccountUserPrefix = "system:serviceaccount:"

// RuleAllows reports whether rule allows the request a. A resource rule
// needs the verb, the API group, the resource (with its subresource, as
// "pods/log") and, when the rule lists resourceNames, the request's name;
// a non-resource rule needs the verb and the path.
func RuleAllows(a authz.Attributes, rule *rbacv1.PolicyRule) bool {
	if !verbMatches(rule.Verbs, a.Verb) {
		return false
	}
	if !a.ResourceRequest {
		return nonResourceURLMatches(rule.NonResourceURLs, a.Path)
	}
	return apiGroupMatches(rule.APIGroups, a.APIGroup) &&
		resourceMatches(rule.Resources, a.Resource, a.Subresource) &&
		resourceNameMatches(rule.ResourceNames, a.Name)
}

// RulesAllow reports whether any of rules allows a.
func RulesAllow(a authz.Attributes, rules ...rbacv1.PolicyRule) bool {
	for i := range rules {
		if RuleAllows(a, &rules[i]) {
			return true
		}
	}
	return false
}

// verbMatches: "*" or the verb itself.
func verbMatches(verbs []string, verb string) bool {
	return slices.Contains(verbs, rbacv1.VerbAll) || slices.Contains(verbs, verb)
}

// apiGroupMatches: "*" or the group itself ("" is the core group).
func apiGroupMatches(groups []string, group string) bool {
	return slices.Contains(groups, rbacv1.APIGroupAll) || slices.Contains(groups, group)
}

// resourceMatches: "*" (every resource and subresource), the resource with
// its subresource ("pods" or "pods/log"), or "*/<subresource>" for that
// subresource of any resource.
func resourceMatches(resources []string, resource, subresource string) bool {
	want := resource
	if subresource != "" {
		want += "/" + subresource
	}
	for _, r := range resources {
		switch {
		case r == rbacv1.ResourceAll, r == want:
			return true
		case subresource != "" && r == "*/"+subresource:
			return true
		}
	}
	return false
}

// resourceNameMatches: no names allow every object; otherwise the request
// must name one of them, so a rule with names never allows create, list,
// watch or deletecollection, which name no object.
func resourceNameMatches(names []string, name string) bool {
	return len(names) == 0 || slices.Contains(names, name)
}

// nonResourceURLMatches: "*", the path itself, or a prefix ending in "*".
func nonResourceURLMatches(urls []string, path string) bool {
	for _, u := range urls {
		switch {
		case u == rbacv1.NonResourceAll, u == path:
			return true
		case strings.HasSuffix(u, "*") && strings.HasPrefix(path, strings.TrimSuffix(u, "*")):
			return true
		}
	}
	return false
}

// subjectApplies reports whether subject s names user. bindingNamespace is
// the namespace of a RoleBinding ("" for a ClusterRoleBinding): a service
// account subject without a namespace means one of that namespace, and
// never matches in a ClusterRoleBinding.
func subjectApplies(user *authn.UserInfo, s *rbacv1.Subject, bindingNamespace string) bool {
	switch s.Kind {
	case rbacv1.UserKind:
		return user.Name == s.Name
	case rbacv1.GroupKind:
		return user.InGroup(s.Name)
	case rbacv1.ServiceAccountKind:
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		return ns != "" && s.Name != "" && user.Name == serviceAccountUserPrefix+ns+":"+s.Name
	}
	return false
}

// firstApplying returns the first of subjects that names user.
func firstApplying(user *authn.UserInfo, subjects []rbacv1.Subject, bindingNamespace string) (*rbacv1.Subject, bool) {
	for i := range subjects {
		if subjectApplies(user, &subjects[i], bindingNamespace) {
			return &subjects[i], true
		}
	}
	return nil, false
}

// describeSubject words a subject for an allow reason, as Kubernetes does:
// `Group "dev"`, `ServiceAccount "builder/ci"`.
func describeSubject(s *rbacv1.Subject, bindingNamespace string) string {
	if s.Kind == rbacv1.ServiceAccountKind {
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		return fmt.Sprintf("%s %q", s.Kind, s.Name+"/"+ns)
	}
	return fmt.Sprintf("%s %q", s.Kind, s.Name)
}

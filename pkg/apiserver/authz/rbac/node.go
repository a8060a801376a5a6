package rbac

import (
	"context"
	"fmt"
	"strings"

	rbacv1 "keel.dev/api/rbac/v1"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
)

// The node identity: a kubelet authenticates as system:node:<node name> in
// the group system:nodes.
const (
	NodesGroup     = "system:nodes"
	NodeUserPrefix = "system:node:"
)

// NodeRules are what a kubelet may do: the resource and verb list of
// Kubernetes' system:node role. The Node authorizer grants them to node
// users; the bootstrap policy publishes them as the system:node
// ClusterRole.
func NodeRules() []rbacv1.PolicyRule {
	read := []string{"get", "list", "watch"}
	return []rbacv1.PolicyRule{
		// Checking the callers of the kubelet's own API.
		rule([]string{"create"}, "authentication.k8s.io", "tokenreviews"),
		rule([]string{"create"}, "authorization.k8s.io", "subjectaccessreviews", "localsubjectaccessreviews"),
		// Service environment variables.
		rule(read, "", "services"),
		// Registering the node and reporting its status.
		rule([]string{"create", "get", "list", "watch"}, "", "nodes"),
		rule([]string{"update", "patch"}, "", "nodes/status"),
		rule([]string{"update", "patch"}, "", "nodes"),
		rule([]string{"create", "update", "patch"}, "", "events"),
		// Pods: reading them, mirror pods, status and evictions.
		rule(read, "", "pods"),
		rule([]string{"create", "delete"}, "", "pods"),
		rule([]string{"update", "patch"}, "", "pods/status"),
		rule([]string{"create"}, "", "pods/eviction"),
		// What pods use: secrets, configmaps, volumes.
		rule(read, "", "secrets", "configmaps"),
		rule([]string{"get"}, "", "persistentvolumeclaims", "persistentvolumes"),
		rule([]string{"get"}, "", "endpoints"),
		rule([]string{"create", "get", "list", "watch"}, "certificates.k8s.io", "certificatesigningrequests"),
		// The node's heartbeat Lease.
		rule([]string{"get", "create", "update", "patch", "delete"}, "coordination.k8s.io", "leases"),
		rule([]string{"get"}, "storage.k8s.io", "volumeattachments"),
		// Projected service account tokens.
		rule([]string{"create"}, "", "serviceaccounts/token"),
		rule([]string{"get", "update", "patch"}, "", "persistentvolumeclaims/status"),
		rule(read, "storage.k8s.io", "csidrivers"),
		rule([]string{"get", "create", "update", "patch", "delete"}, "storage.k8s.io", "csinodes"),
		rule(read, "node.k8s.io", "runtimeclasses"),
	}
}

// rule builds a resource rule.
func rule(verbs []string, group string, resources ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: []string{group}, Resources: resources}
}

// NodeAuthorizer is the Node mode: it allows node users the NodeRules,
// except that secrets, configmaps, persistent volumes and claims may only
// be read, and service account tokens only requested, when the graph
// relates them to the node, and that leases are limited to the node's own
// in kube-node-lease. It has no opinion on everyone else.
type NodeAuthorizer struct {
	rules []rbacv1.PolicyRule
	graph *NodeGraph
}

var (
	_ authz.Authorizer = (*NodeAuthorizer)(nil)
	_ authz.RuleLister = (*NodeAuthorizer)(nil)
)

// NewNodeAuthorizer returns the Node mode authorizer over graph, which
// must be run (NodeGraph.Run) for related objects to be allowed.
func NewNodeAuthorizer(graph *NodeGraph) *NodeAuthorizer {
	return &NodeAuthorizer{rules: NodeRules(), graph: graph}
}

// NodeIdentity tells whether u is a node and which: a member of
// system:nodes is a node; its name is what follows system:node:, empty
// when the user name does not have that form.
func NodeIdentity(u *authn.UserInfo) (name string, isNode bool) {
	if u == nil || !u.InGroup(NodesGroup) {
		return "", false
	}
	name, _ = strings.CutPrefix(u.Name, NodeUserPrefix)
	if name == u.Name {
		return "", true
	}
	return name, true
}

// Authorize implements authz.Authorizer.
func (n *NodeAuthorizer) Authorize(ctx context.Context, a authz.Attributes) (authz.Decision, string, error) {
	name, isNode := NodeIdentity(a.User)
	switch {
	case !isNode:
		return authz.DecisionNoOpinion, "", nil
	case name == "":
		return authz.DecisionNoOpinion, fmt.Sprintf("unknown node for user %q", a.User.Name), nil
	}
	if a.ResourceRequest {
		switch a.APIGroup + "/" + a.Resource {
		case "/secrets":
			return n.readNamespaced(ctx, name, kindSecret, a)
		case "/configmaps":
			return n.readNamespaced(ctx, name, kindConfigMap, a)
		case "/persistentvolumeclaims":
			if a.Subresource == "status" {
				return n.updateStatus(ctx, name, kindPVC, a)
			}
			return n.getOne(ctx, name, kindPVC, a)
		case "/persistentvolumes":
			return n.getOne(ctx, name, kindPV, a)
		case "/serviceaccounts":
			return n.createToken(ctx, name, a)
		case "coordination.k8s.io/leases":
			return nodeLease(name, a)
		}
	}
	if RulesAllow(a, n.rules...) {
		return authz.DecisionAllow, "", nil
	}
	return authz.DecisionNoOpinion, "", nil
}

// graphResources are the resources whose access depends on the object,
// left out of the rules a node lists.
var graphResources = map[string]bool{
	"/secrets": true, "/configmaps": true, "/persistentvolumeclaims": true,
	"/persistentvolumeclaims/status": true, "/persistentvolumes": true,
	"/serviceaccounts/token": true, "coordination.k8s.io/leases": true,
}

// RulesFor implements authz.RuleLister: a node lists the NodeRules on
// resources that do not depend on the object, and is reported incomplete
// as it may also read the objects its pods use.
func (n *NodeAuthorizer) RulesFor(_ context.Context, u *authn.UserInfo, _ string) (authz.Rules, error) {
	if name, isNode := NodeIdentity(u); !isNode || name == "" {
		return authz.Rules{}, nil
	}
	out := authz.Rules{Incomplete: true}
	for _, r := range n.rules {
		var res []string
		for _, x := range r.Resources {
			if !graphResources[r.APIGroups[0]+"/"+x] {
				res = append(res, x)
			}
		}
		if len(res) > 0 {
			out.Resource = append(out.Resource, authz.ResourceRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: res})
		}
	}
	return out, nil
}

package rbac

import (
	"context"
	"fmt"

	"keel.dev/keel/pkg/apiserver/authz"
)

// NodeLeaseNamespace holds the nodes' heartbeat Leases.
const NodeLeaseNamespace = "kube-node-lease"

// noRelationship is the reason a node is refused an object its pods do
// not use (Kubernetes' wording).
func noRelationship(node string) string {
	return fmt.Sprintf("no relationship found between node '%s' and this object", node)
}

// readNamespaced allows get, list and watch of one named object related to
// node. The kubelet's watches name their object by a metadata.name field
// selector, which the request attributes carry as Name.
func (n *NodeAuthorizer) readNamespaced(ctx context.Context, node string, k objKind, a authz.Attributes) (authz.Decision, string, error) {
	switch a.Verb {
	case "get", "list", "watch":
	default:
		return authz.DecisionNoOpinion, "can only read resources of this type", nil
	}
	if a.Subresource != "" {
		return authz.DecisionNoOpinion, "cannot read subresource", nil
	}
	if a.Namespace == "" {
		return authz.DecisionNoOpinion, "can only read namespaced object of this type", nil
	}
	return n.relatedTo(ctx, node, k, a)
}

// getOne allows get of one object related to node.
func (n *NodeAuthorizer) getOne(ctx context.Context, node string, k objKind, a authz.Attributes) (authz.Decision, string, error) {
	if a.Verb != "get" {
		return authz.DecisionNoOpinion, "can only get individual resources of this type", nil
	}
	if a.Subresource != "" {
		return authz.DecisionNoOpinion, "cannot get subresource", nil
	}
	return n.relatedTo(ctx, node, k, a)
}

// updateStatus allows update and patch of the status of an object related
// to node.
func (n *NodeAuthorizer) updateStatus(ctx context.Context, node string, k objKind, a authz.Attributes) (authz.Decision, string, error) {
	switch a.Verb {
	case "update", "patch":
	default:
		return authz.DecisionNoOpinion, "can only get/update/patch this type", nil
	}
	return n.relatedTo(ctx, node, k, a)
}

// createToken allows token requests for a service account a pod on node
// runs as.
func (n *NodeAuthorizer) createToken(ctx context.Context, node string, a authz.Attributes) (authz.Decision, string, error) {
	if a.Verb != "create" || a.Name == "" {
		return authz.DecisionNoOpinion, "can only create tokens for individual service accounts", nil
	}
	if a.Subresource != "token" {
		return authz.DecisionNoOpinion, "can only create token subresource of serviceaccount", nil
	}
	return n.relatedTo(ctx, node, kindServiceAccount, a)
}

// relatedTo allows the request when the named object is related to node.
func (n *NodeAuthorizer) relatedTo(ctx context.Context, node string, k objKind, a authz.Attributes) (authz.Decision, string, error) {
	if a.Name == "" {
		return authz.DecisionNoOpinion, "No Object name found", nil
	}
	ns := a.Namespace
	if k == kindPV {
		ns = ""
	}
	if n.graph == nil {
		return authz.DecisionNoOpinion, noRelationship(node), nil
	}
	ok, err := n.graph.related(ctx, node, objRef{kind: k, namespace: ns, name: a.Name})
	if err != nil || !ok {
		return authz.DecisionNoOpinion, noRelationship(node), nil
	}
	return authz.DecisionAllow, "", nil
}

// nodeLease allows a node its own Lease in kube-node-lease; a create is
// allowed here and its name checked by the NodeRestriction admission
// plugin, as the name is in the body.
func nodeLease(node string, a authz.Attributes) (authz.Decision, string, error) {
	switch a.Verb {
	case "get", "create", "update", "patch", "delete":
	default:
		return authz.DecisionNoOpinion, "can only get, create, update, patch, or delete a node lease", nil
	}
	if a.Namespace != NodeLeaseNamespace {
		return authz.DecisionNoOpinion, fmt.Sprintf("can only access leases in the %q system namespace", NodeLeaseNamespace), nil
	}
	if a.Verb != "create" && a.Name != node {
		return authz.DecisionNoOpinion, "can only access node lease with the same name as the requesting node", nil
	}
	return authz.DecisionAllow, "", nil
}

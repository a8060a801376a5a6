package noderestriction

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/admission/internal/objects"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz/rbac"
)

// PluginName is the plugin's name in --enable-admission-plugins.
const PluginName = "NodeRestriction"

// mirrorAnnotation marks a static pod's mirror.
const mirrorAnnotation = "kubernetes.io/config.mirror"

var (
	podsGR       = schema.GroupResource{Resource: "pods"}
	nodesGR      = schema.GroupResource{Resource: "nodes"}
	leasesGR     = schema.GroupResource{Group: "coordination.k8s.io", Resource: "leases"}
	svcacctsGR   = schema.GroupResource{Resource: "serviceaccounts"}
	pvcsGR       = schema.GroupResource{Resource: "persistentvolumeclaims"}
	pvsGR        = schema.GroupResource{Resource: "persistentvolumes"}
	csiDriversGR = schema.GroupResource{Group: "storage.k8s.io", Resource: "csidrivers"}
)

// Plugin restricts the writes of node users. It runs among the mutating
// plugins (it changes nothing), as in Kubernetes, so it sees a write as
// the node sent it, before the registry's strategies reset fields.
type Plugin struct {
	nodes, pods *objects.Source
	// claims, volumes and drivers resolve the audiences a pod's CSI volumes
	// request tokens for; nil when the resource is not served.
	claims, volumes, drivers *objects.Source
}

var (
	_ admission.Mutator            = (*Plugin)(nil)
	_ admission.SubresourceHandler = (*Plugin)(nil)
)

// New returns the plugin reading Nodes (to check the owner of mirror pods)
// and Pods (the targets of evictions and token bindings) through lookup.
func New(lookup objects.Lookup) (*Plugin, error) {
	p := &Plugin{}
	var err error
	if p.nodes, err = objects.NewSource(lookup, nodesGR); err != nil {
		return nil, fmt.Errorf("%s: %w", PluginName, err)
	}
	if p.pods, err = objects.NewSource(lookup, podsGR); err != nil {
		return nil, fmt.Errorf("%s: %w", PluginName, err)
	}
	p.claims, _ = objects.NewSource(lookup, pvcsGR)
	p.volumes, _ = objects.NewSource(lookup, pvsGR)
	p.drivers, _ = objects.NewSource(lookup, csiDriversGR)
	return p, nil
}

// Handles implements admission.Plugin: every write of pods, nodes, leases
// and service accounts (their token subresource).
func (p *Plugin) Handles(_ admission.Operation, gr schema.GroupResource) bool {
	return gr == podsGR || gr == nodesGR || gr == leasesGR || gr == svcacctsGR
}

// HandlesSubresource implements admission.SubresourceHandler: the plugin
// judges writes to every subresource of the resources it handles.
func (p *Plugin) HandlesSubresource(string) bool { return true }

// Admit implements admission.Mutator (without changing anything);
// requests of users that are not nodes pass.
func (p *Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	u, _ := authn.UserFrom(ctx)
	node, isNode := rbac.NodeIdentity(u)
	if !isNode {
		return nil
	}
	if node == "" {
		return admission.NewForbidden(a, fmt.Errorf("could not determine node from user %q", u.Name))
	}
	var err error
	switch a.Resource {
	case podsGR:
		switch a.Subresource {
		case "":
			err = p.pod(ctx, node, a)
		case "status":
			err = podStatus(node, a)
		case "eviction":
			err = p.podEviction(ctx, node, a)
		default:
			err = fmt.Errorf("unexpected pod subresource %q, only 'status' and 'eviction' are allowed", a.Subresource)
		}
	case nodesGR:
		err = nodeWrite(node, a)
	case leasesGR:
		err = lease(node, a)
	case svcacctsGR:
		err = p.serviceAccount(ctx, node, a)
	}
	if err == nil {
		return nil
	}
	if _, ok := err.(apierrors.APIStatus); ok {
		// A lookup's own answer (404 of a missing pod) goes out as it is.
		return err
	}
	return admission.NewForbidden(a, err)
}

// pod allows a node to create mirror pods of its own and to delete pods
// bound to it.
func (p *Plugin) pod(ctx context.Context, node string, a *admission.Attributes) error {
	switch a.Operation {
	case admission.Create:
		pod, ok := a.Object.(*corev1.Pod)
		if !ok {
			return fmt.Errorf("unexpected type %T", a.Object)
		}
		return p.mirrorPod(ctx, node, pod)
	case admission.Delete:
		old, ok := a.OldObject.(*corev1.Pod)
		if !ok {
			return fmt.Errorf("unexpected type %T", a.OldObject)
		}
		if old.Spec.NodeName != node {
			return fmt.Errorf("node %q can only delete pods with spec.nodeName set to itself", node)
		}
		return nil
	}
	return fmt.Errorf("unexpected operation %q, node %q can only create and delete mirror pods", a.Operation, node)
}

// mirrorPod checks a pod a node creates: a mirror pod bound to the node,
// owned by its Node object, naming no other API object.
func (p *Plugin) mirrorPod(ctx context.Context, node string, pod *corev1.Pod) error {
	if _, ok := pod.Annotations[mirrorAnnotation]; !ok {
		return fmt.Errorf("pod does not have %q annotation, node %q can only create mirror pods", mirrorAnnotation, node)
	}
	if pod.Spec.NodeName != node {
		return fmt.Errorf("node %q can only create pods with spec.nodeName set to itself", node)
	}
	switch refs := pod.OwnerReferences; {
	case len(refs) > 1:
		return fmt.Errorf("node %q can only create pods with a single owner reference set to itself", node)
	case len(refs) == 0:
		return fmt.Errorf("node %q can only create pods with an owner reference set to itself", node)
	default:
		o := refs[0]
		if o.APIVersion != "v1" || o.Kind != "Node" || o.Name != node {
			return fmt.Errorf("node %q can only create pods with an owner reference set to itself", node)
		}
		if o.Controller == nil || !*o.Controller {
			return fmt.Errorf("node %q can only create pods with a controller owner reference set to itself", node)
		}
		if o.BlockOwnerDeletion != nil && *o.BlockOwnerDeletion {
			return fmt.Errorf("node %q must not set blockOwnerDeletion on an owner reference", node)
		}
		obj, found, err := p.nodes.Get(ctx, "", node)
		if err != nil {
			return fmt.Errorf("error looking up node %s to verify uid: %w", node, err)
		}
		if !found {
			return fmt.Errorf("error looking up node %s to verify uid: node %q not found", node, node)
		}
		if n := obj.(*corev1.Node); o.UID != n.UID {
			return fmt.Errorf("node %s UID mismatch: expected %s got %s", node, o.UID, n.UID)
		}
	}
	if pod.Spec.ServiceAccountName != "" {
		return fmt.Errorf("node %q can not create pods that reference a service account", node)
	}
	secrets, configMaps := rbac.PodUses(pod)
	if secrets {
		return fmt.Errorf("node %q can not create pods that reference secrets", node)
	}
	if configMaps {
		return fmt.Errorf("node %q can not create pods that reference configmaps", node)
	}
	for _, v := range pod.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, s := range v.Projected.Sources {
			if s.ClusterTrustBundle != nil {
				return fmt.Errorf("node %q can not create pods that reference clustertrustbundles", node)
			}
		}
	}
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			return fmt.Errorf("node %q can not create pods that reference persistentvolumeclaims", node)
		}
	}
	return nil
}

// nodeWrite allows a node to write only its own Node, without changing
// its taints, and without setting labels reserved to the cluster.
func nodeWrite(node string, a *admission.Attributes) error {
	if a.Name != node {
		return fmt.Errorf("node %q is not allowed to modify node %q", node, a.Name)
	}
	switch a.Operation {
	case admission.Create:
		n, ok := a.Object.(*corev1.Node)
		if !ok {
			return fmt.Errorf("unexpected type %T", a.Object)
		}
		if n.Spec.ConfigSource != nil {
			return fmt.Errorf("node %q is not allowed to create pods with a non-nil configSource", node)
		}
		if bad := forbiddenLabels(n.Labels, nil); len(bad) > 0 {
			return fmt.Errorf("node %q is not allowed to set the following labels: %s", node, strings.Join(bad, ", "))
		}
	case admission.Update:
		n, ok := a.Object.(*corev1.Node)
		if !ok {
			return fmt.Errorf("unexpected type %T", a.Object)
		}
		old, ok := a.OldObject.(*corev1.Node)
		if !ok {
			return fmt.Errorf("unexpected type %T", a.OldObject)
		}
		if n.Spec.ConfigSource != nil && !reflect.DeepEqual(n.Spec.ConfigSource, old.Spec.ConfigSource) {
			return fmt.Errorf("node %q is not allowed to update configSource to a new non-nil configSource", node)
		}
		if !taintsEqual(n.Spec.Taints, old.Spec.Taints) {
			return fmt.Errorf("node %q is not allowed to modify taints", node)
		}
		if bad := forbiddenLabels(n.Labels, old.Labels); len(bad) > 0 {
			return fmt.Errorf("is not allowed to modify labels: %s", strings.Join(bad, ", "))
		}
	}
	return nil
}

// lease allows a node only its own Lease in kube-node-lease.
func lease(node string, a *admission.Attributes) error {
	if a.Namespace != rbac.NodeLeaseNamespace {
		return fmt.Errorf("can only access leases in the %q system namespace", rbac.NodeLeaseNamespace)
	}
	name := a.Name
	if a.Operation == admission.Create {
		l, ok := a.Object.(*coordinationv1.Lease)
		if !ok {
			return fmt.Errorf("unexpected type %T", a.Object)
		}
		name = l.Name
	}
	if name != node {
		return errors.New("can only access node lease with the same name as the requesting node")
	}
	return nil
}

// kubeletLabels are the kubernetes.io labels a kubelet may set on its Node;
// kubeletLabelDomains the label domains (and their subdomains) it may use
// freely.
var (
	kubeletLabels = map[string]bool{
		"kubernetes.io/hostname": true, "kubernetes.io/arch": true, "kubernetes.io/os": true,
		"beta.kubernetes.io/arch": true, "beta.kubernetes.io/os": true,
		"beta.kubernetes.io/instance-type": true, "node.kubernetes.io/instance-type": true,
		"failure-domain.beta.kubernetes.io/region": true, "failure-domain.beta.kubernetes.io/zone": true,
		"topology.kubernetes.io/region": true, "topology.kubernetes.io/zone": true,
	}
	kubeletLabelDomains = []string{"kubelet.kubernetes.io", "node.kubernetes.io"}
)

// inDomain reports whether a label prefix is domain or a subdomain of it.
func inDomain(prefix, domain string) bool {
	return prefix == domain || strings.HasSuffix(prefix, "."+domain)
}

// allowedLabel reports whether a kubelet may set, change or remove key.
func allowedLabel(key string) bool {
	prefix, _, ok := strings.Cut(key, "/")
	if !ok {
		return true
	}
	if inDomain(prefix, "node-restriction.kubernetes.io") {
		return false
	}
	if !inDomain(prefix, "kubernetes.io") && !inDomain(prefix, "k8s.io") {
		return true
	}
	if kubeletLabels[key] {
		return true
	}
	return slices.ContainsFunc(kubeletLabelDomains, func(d string) bool { return inDomain(prefix, d) })
}

// forbiddenLabels lists, sorted, the labels added, changed or removed
// between old and now that a kubelet may not touch.
func forbiddenLabels(now, old map[string]string) []string {
	var bad []string
	check := func(k string) {
		if !allowedLabel(k) && !slices.Contains(bad, k) {
			bad = append(bad, k)
		}
	}
	for k, v := range now {
		if ov, ok := old[k]; !ok || ov != v {
			check(k)
		}
	}
	for k := range old {
		if _, ok := now[k]; !ok {
			check(k)
		}
	}
	slices.Sort(bad)
	return bad
}

// taintsEqual compares taints by value (an empty list is no list).
func taintsEqual(a, b []corev1.Taint) bool {
	return slices.EqualFunc(a, b, func(x, y corev1.Taint) bool {
		if x.Key != y.Key || x.Value != y.Value || x.Effect != y.Effect || (x.TimeAdded == nil) != (y.TimeAdded == nil) {
			return false
		}
		return x.TimeAdded == nil || x.TimeAdded.Equal(y.TimeAdded)
	})
}

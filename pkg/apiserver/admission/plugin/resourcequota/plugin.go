package resourcequota

import (
	"context"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/admission/internal/objects"
	rqcontroller "keel.dev/keel/pkg/controller/resourcequota"
)

// PluginName is the plugin's name in --enable-admission-plugins.
const PluginName = "ResourceQuota"

var (
	podsGR     = schema.GroupResource{Resource: "pods"}
	servicesGR = schema.GroupResource{Resource: "services"}
	claimsGR   = schema.GroupResource{Resource: "persistentvolumeclaims"}
	quotasGR   = schema.GroupResource{Resource: "resourcequotas"}
)

// Plugin enforces ResourceQuotas.
type Plugin struct {
	lookup objects.Lookup
	quotas *objects.Source
	// commits batches concurrent charges of one quota into one write.
	commits committer
}

var _ admission.Validator = (*Plugin)(nil)

// New returns the plugin reading quotas and, for usage the quota status
// does not report yet, the counted objects through lookup.
func New(lookup objects.Lookup) (*Plugin, error) {
	q, err := objects.NewSource(lookup, quotasGR)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", PluginName, err)
	}
	return &Plugin{lookup: lookup, quotas: q, commits: committer{open: map[string]*batch{}, locks: map[string]*keyLock{}}}, nil
}

// Handles implements admission.Plugin: every create (object counts), and
// the updates that can grow usage.
func (p *Plugin) Handles(op admission.Operation, gr schema.GroupResource) bool {
	switch op {
	case admission.Create:
		return true
	case admission.Update:
		return gr == servicesGR || gr == claimsGR
	}
	return false
}

// charge is what one quota must absorb.
type charge struct {
	name      string
	requested corev1.ResourceList
	// live is usage the quota status did not report, measured from the
	// stored objects.
	live corev1.ResourceList
}

// Validate implements admission.Validator.
func (p *Plugin) Validate(ctx context.Context, a *admission.Attributes) error {
	if a.Namespace == "" || a.Object == nil {
		return nil
	}
	if a.Resource == quotasGR {
		// A new quota must not find its namespace remembered as having
		// none.
		p.quotas.Forget(a.Namespace)
	}
	items, err := p.quotas.ListOrLive(ctx, a.Namespace, a.Resource != quotasGR)
	if err != nil || len(items) == 0 {
		return err
	}
	var charges []charge
	for _, q := range objects.Typed[*corev1.ResourceQuota](items) {
		c, err := p.evaluate(ctx, a, q)
		if err != nil {
			return err
		}
		if c != nil {
			charges = append(charges, *c)
		}
	}
	if a.DryRun {
		return nil
	}
	for _, c := range charges {
		if err := p.charge(ctx, a, c); err != nil {
			return err
		}
	}
	return nil
}

// hardOf is what q enforces: status.hard once the controller has set it,
// else spec.hard.
func hardOf(q *corev1.ResourceQuota) corev1.ResourceList {
	if len(q.Status.Hard) > 0 {
		return q.Status.Hard
	}
	return q.Spec.Hard
}

// evaluate checks the request against one quota and returns what to
// charge it (nil: the quota is not concerned).
func (p *Plugin) evaluate(ctx context.Context, a *admission.Attributes, q *corev1.ResourceQuota) (*charge, error) {
	hard := hardOf(q)
	if len(hard) == 0 {
		return nil, nil
	}
	probe := withHard(q, hard)
	if pod, ok := a.Object.(*corev1.Pod); ok && a.Operation == admission.Create && podInScope(probe, pod) {
		if missing := missingCompute(hard, pod); missing != "" {
			return nil, admission.NewForbidden(a, fmt.Errorf("failed quota: %s: must specify %s", q.Name, missing))
		}
	}
	requested := objectUsage(probe, a.Resource, a.Object)
	if a.Operation == admission.Update {
		requested = subtractNonNegative(requested, objectUsage(probe, a.Resource, a.OldObject))
	}
	if len(requested) == 0 {
		return nil, nil
	}
	c := &charge{name: q.Name, requested: requested}
	if missing := missingNames(q.Status.Used, requested); len(missing) > 0 {
		live, err := p.liveUsage(ctx, a.Namespace, probe, missing)
		if err != nil {
			return nil, err
		}
		c.live = live
	}
	if err := exceeded(a, q.Name, hard, merged(q.Status.Used, c.live), requested); err != nil {
		return nil, err
	}
	return c, nil
}

// exceeded returns the 403 when used+requested passes hard for some name.
func exceeded(a *admission.Attributes, name string, hard, used, requested corev1.ResourceList) error {
	var over []corev1.ResourceName
	for n, r := range requested {
		h, ok := hard[n]
		if !ok {
			continue
		}
		total := used[n].DeepCopy()
		total.Add(r)
		if total.Cmp(h) > 0 {
			over = append(over, n)
		}
	}
	if len(over) == 0 {
		return nil
	}
	zeroed := corev1.ResourceList{}
	for _, n := range over {
		if u, ok := used[n]; ok {
			zeroed[n] = u
		} else {
			zeroed[n] = resource.Quantity{Format: resource.DecimalSI}
		}
	}
	return admission.NewForbidden(a, fmt.Errorf("exceeded quota: %s, requested: %s, used: %s, limited: %s",
		name, prettyPrint(mask(requested, over)), prettyPrint(zeroed), prettyPrint(mask(hard, over))))
}

// missingNames lists the names of requested that used does not report.
func missingNames(used, requested corev1.ResourceList) []corev1.ResourceName {
	var out []corev1.ResourceName
	for n := range requested {
		if _, ok := used[n]; !ok {
			out = append(out, n)
		}
	}
	return out
}

// merged returns a copy of used completed by live.
func merged(used, live corev1.ResourceList) corev1.ResourceList {
	out := corev1.ResourceList{}
	for n, v := range used {
		out[n] = v.DeepCopy()
	}
	for n, v := range live {
		if _, ok := out[n]; !ok {
			out[n] = v.DeepCopy()
		}
	}
	return out
}

// liveUsage measures names from the namespace's objects read from etcd
// (the watch cache may lag behind creates just admitted), for quotas whose
// status does not report them yet.
func (p *Plugin) liveUsage(ctx context.Context, ns string, q *corev1.ResourceQuota, names []corev1.ResourceName) (corev1.ResourceList, error) {
	var o rqcontroller.Objects
	loaded := map[schema.GroupResource]bool{}
	out := corev1.ResourceList{}
	var classNames corev1.ResourceList
	for _, n := range names {
		if isClassName(n) {
			if classNames == nil {
				classNames = corev1.ResourceList{}
			}
			classNames[n] = q.Spec.Hard[n]
			continue
		}
		gr, counted := kindOf(n)
		if !counted {
			if g, ok := parseCountName(n); ok {
				src, err := objects.NewSource(p.lookup, g)
				if err != nil {
					continue // not served: nothing to count
				}
				items, err := src.ListLive(ctx, ns)
				if err != nil {
					return nil, err
				}
				out[n] = *resource.NewQuantity(int64(len(items)), resource.DecimalSI)
			}
			continue
		}
		if loaded[gr] {
			continue
		}
		loaded[gr] = true
		src, err := objects.NewSource(p.lookup, gr)
		if err != nil {
			continue
		}
		items, err := src.ListLive(ctx, ns)
		if err != nil {
			return nil, err
		}
		switch gr.Resource {
		case "pods":
			o.Pods = objects.Typed[*corev1.Pod](items)
		case "services":
			o.Services = objects.Typed[*corev1.Service](items)
		case "configmaps":
			o.ConfigMaps = objects.Typed[*corev1.ConfigMap](items)
		case "secrets":
			o.Secrets = objects.Typed[*corev1.Secret](items)
		case "persistentvolumeclaims":
			o.PersistentVolumeClaims = objects.Typed[*corev1.PersistentVolumeClaim](items)
		case "replicationcontrollers":
			o.ReplicationControllers = objects.Typed[*corev1.ReplicationController](items)
		case "resourcequotas":
			o.ResourceQuotas = objects.Typed[*corev1.ResourceQuota](items)
		}
	}
	if len(loaded) > 0 {
		for n, v := range rqcontroller.QuotaUsage(withHard(q, mask(q.Spec.Hard, names)), o) {
			out[n] = v
		}
	}
	if len(classNames) > 0 {
		src, err := objects.NewSource(p.lookup, claimsGR)
		if err != nil {
			return nil, err
		}
		items, err := src.ListLive(ctx, ns)
		if err != nil {
			return nil, err
		}
		for n, v := range classUsage(classNames, objects.Typed[*corev1.PersistentVolumeClaim](items)) {
			out[n] = v
		}
	}
	return out, nil
}

// kindOf returns the core resource whose objects the controller's rules
// measure name from.
func kindOf(n corev1.ResourceName) (schema.GroupResource, bool) {
	switch n {
	case corev1.ResourcePods, "count/pods", corev1.ResourceCPU, corev1.ResourceMemory,
		corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory:
		return podsGR, true
	case corev1.ResourceServices, "count/services", corev1.ResourceServicesLoadBalancers, corev1.ResourceServicesNodePorts:
		return servicesGR, true
	case corev1.ResourceConfigMaps, "count/configmaps":
		return schema.GroupResource{Resource: "configmaps"}, true
	case corev1.ResourceSecrets, "count/secrets":
		return schema.GroupResource{Resource: "secrets"}, true
	case corev1.ResourcePersistentVolumeClaims, "count/persistentvolumeclaims", corev1.ResourceRequestsStorage:
		return claimsGR, true
	case corev1.ResourceReplicationControllers, "count/replicationcontrollers":
		return schema.GroupResource{Resource: "replicationcontrollers"}, true
	case corev1.ResourceQuotas, "count/resourcequotas":
		return quotasGR, true
	}
	return schema.GroupResource{}, false
}

package resourcequota

import (
	"sort"
	"strings"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	rqcontroller "keel.dev/keel/pkg/controller/resourcequota"
)

// countName is the object-count resource name of gr ("count/pods",
// "count/deployments.apps").
func countName(gr schema.GroupResource) corev1.ResourceName {
	if gr.Group == "" {
		return corev1.ResourceName("count/" + gr.Resource)
	}
	return corev1.ResourceName("count/" + gr.Resource + "." + gr.Group)
}

// parseCountName is the inverse of countName.
func parseCountName(name corev1.ResourceName) (schema.GroupResource, bool) {
	rest, ok := strings.CutPrefix(string(name), "count/")
	if !ok || rest == "" {
		return schema.GroupResource{}, false
	}
	res, group, _ := strings.Cut(rest, ".")
	return schema.GroupResource{Group: group, Resource: res}, true
}

func scoped(q *corev1.ResourceQuota) bool {
	return len(q.Spec.Scopes) > 0 || (q.Spec.ScopeSelector != nil && len(q.Spec.ScopeSelector.MatchExpressions) > 0)
}

// withHard returns a shallow copy of q tracking hard.
func withHard(q *corev1.ResourceQuota, hard corev1.ResourceList) *corev1.ResourceQuota {
	c := *q
	c.Spec.Hard = hard
	return &c
}

// objectsOf puts one object into the usage snapshot the controller's
// rules measure.
func objectsOf(obj runtime.Object) rqcontroller.Objects {
	var o rqcontroller.Objects
	switch t := obj.(type) {
	case *corev1.Pod:
		o.Pods = []*corev1.Pod{t}
	case *corev1.Service:
		o.Services = []*corev1.Service{t}
	case *corev1.ConfigMap:
		o.ConfigMaps = []*corev1.ConfigMap{t}
	case *corev1.Secret:
		o.Secrets = []*corev1.Secret{t}
	case *corev1.PersistentVolumeClaim:
		o.PersistentVolumeClaims = []*corev1.PersistentVolumeClaim{t}
	case *corev1.ReplicationController:
		o.ReplicationControllers = []*corev1.ReplicationController{t}
	case *corev1.ResourceQuota:
		o.ResourceQuotas = []*corev1.ResourceQuota{t}
	}
	return o
}

// objectUsage is what obj (of resource gr) consumes of the resources q
// tracks, for a quota whose scopes select it; zero amounts are dropped.
func objectUsage(q *corev1.ResourceQuota, gr schema.GroupResource, obj runtime.Object) corev1.ResourceList {
	if obj == nil {
		return nil
	}
	used := rqcontroller.QuotaUsage(q, objectsOf(obj))
	if name := countName(gr); !scoped(q) {
		if _, tracked := q.Spec.Hard[name]; tracked {
			if _, measured := used[name]; !measured {
				used[name] = *resource.NewQuantity(1, resource.DecimalSI)
			}
		}
	}
	if svc, ok := obj.(*corev1.Service); ok && !scoped(q) && svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
		// Node ports of a LoadBalancer are allocated after admission: its
		// intent (every port, unless allocation is off) is what counts.
		if _, tracked := q.Spec.Hard[corev1.ResourceServicesNodePorts]; tracked &&
			(svc.Spec.AllocateLoadBalancerNodePorts == nil || *svc.Spec.AllocateLoadBalancerNodePorts) {
			used[corev1.ResourceServicesNodePorts] = *resource.NewQuantity(int64(len(svc.Spec.Ports)), resource.DecimalSI)
		}
	}
	if pvc, ok := obj.(*corev1.PersistentVolumeClaim); ok && !scoped(q) {
		for n, v := range classUsage(q.Spec.Hard, []*corev1.PersistentVolumeClaim{pvc}) {
			used[n] = v
		}
	}
	for k, v := range used {
		if v.IsZero() {
			delete(used, k)
		}
	}
	return used
}

// classSuffix ends the names of per-StorageClass claim quotas,
// "<class>.storageclass.storage.k8s.io/requests.storage" and
// "<class>.storageclass.storage.k8s.io/persistentvolumeclaims".
const classSuffix = ".storageclass.storage.k8s.io/"

// classOf returns the StorageClass a claim asks for ("" for none).
func classOf(pvc *corev1.PersistentVolumeClaim) string {
	if c, ok := pvc.Annotations["volume.beta.kubernetes.io/storage-class"]; ok {
		return c
	}
	if pvc.Spec.StorageClassName != nil {
		return *pvc.Spec.StorageClassName
	}
	return ""
}

// isClassName reports a per-StorageClass claim quota name.
func isClassName(n corev1.ResourceName) bool {
	_, rest, ok := strings.Cut(string(n), classSuffix)
	return ok && (rest == string(corev1.ResourceRequestsStorage) || rest == string(corev1.ResourcePersistentVolumeClaims))
}

// classUsage measures the per-StorageClass names of hard over claims.
func classUsage(hard corev1.ResourceList, claims []*corev1.PersistentVolumeClaim) corev1.ResourceList {
	out := corev1.ResourceList{}
	for n := range hard {
		if !isClassName(n) {
			continue
		}
		class, what, _ := strings.Cut(string(n), classSuffix)
		total := resource.Quantity{Format: resource.DecimalSI}
		for _, c := range claims {
			if classOf(c) != class {
				continue
			}
			if what == string(corev1.ResourcePersistentVolumeClaims) {
				total.Add(*resource.NewQuantity(1, resource.DecimalSI))
			} else if r, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
				total.Add(r)
			}
		}
		out[n] = total
	}
	return out
}

// subtractNonNegative returns a-b per name of a, dropping names that do
// not grow.
func subtractNonNegative(a, b corev1.ResourceList) corev1.ResourceList {
	out := corev1.ResourceList{}
	for k, v := range a {
		d := v.DeepCopy()
		if w, ok := b[k]; ok {
			d.Sub(w)
		}
		if d.Sign() > 0 {
			out[k] = d
		}
	}
	return out
}

// podInScope reports whether q's scopes select p.
func podInScope(q *corev1.ResourceQuota, p *corev1.Pod) bool {
	if !scoped(q) {
		return true
	}
	probe := withHard(q, corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")})
	got := rqcontroller.QuotaUsage(probe, rqcontroller.Objects{Pods: []*corev1.Pod{p}})[corev1.ResourcePods]
	return got.Sign() > 0
}

// computeNames are the quota names every container must state an amount
// for once a quota tracks them.
var computeNames = []corev1.ResourceName{
	corev1.ResourceCPU, corev1.ResourceMemory,
	corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory,
	corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory,
}

// containerNames lists the quota names a container's resources cover.
func containerNames(c *corev1.Container) map[corev1.ResourceName]bool {
	out := map[corev1.ResourceName]bool{}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[r]; ok {
			out[r] = true
			out["requests."+r] = true
		}
		if _, ok := c.Resources.Limits[r]; ok {
			out["limits."+r] = true
		}
	}
	return out
}

// missingCompute returns "limits.cpu for: a,b; requests.memory for: a"
// for the compute names hard tracks that some container leaves out, or "".
func missingCompute(hard corev1.ResourceList, p *corev1.Pod) string {
	var required []corev1.ResourceName
	for _, n := range computeNames {
		if _, ok := hard[n]; ok {
			required = append(required, n)
		}
	}
	if len(required) == 0 {
		return ""
	}
	missing := map[corev1.ResourceName]map[string]bool{}
	check := func(c *corev1.Container) {
		have := containerNames(c)
		for _, n := range required {
			if !have[n] {
				if missing[n] == nil {
					missing[n] = map[string]bool{}
				}
				missing[n][c.Name] = true
			}
		}
	}
	for i := range p.Spec.Containers {
		check(&p.Spec.Containers[i])
	}
	for i := range p.Spec.InitContainers {
		check(&p.Spec.InitContainers[i])
	}
	if len(missing) == 0 {
		return ""
	}
	names := make([]string, 0, len(missing))
	for n := range missing {
		names = append(names, string(n))
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		var cs []string
		for c := range missing[corev1.ResourceName(n)] {
			cs = append(cs, c)
		}
		sort.Strings(cs)
		parts[i] = n + " for: " + strings.Join(cs, ",")
	}
	return strings.Join(parts, "; ")
}

// prettyPrint renders a list as "a=1,b=2" in name order.
func prettyPrint(l corev1.ResourceList) string {
	names := make([]string, 0, len(l))
	for n := range l {
		names = append(names, string(n))
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		q := l[corev1.ResourceName(n)]
		parts[i] = n + "=" + q.String()
	}
	return strings.Join(parts, ",")
}

// mask keeps the names of l listed in names.
func mask(l corev1.ResourceList, names []corev1.ResourceName) corev1.ResourceList {
	out := corev1.ResourceList{}
	for _, n := range names {
		if v, ok := l[n]; ok {
			out[n] = v
		}
	}
	return out
}

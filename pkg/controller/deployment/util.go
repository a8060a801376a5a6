package deployment

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"sort"
	"strconv"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
)

// Annotations the controller maintains.
const (
	RevisionAnnotation        = "deployment.kubernetes.io/revision"
	RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	MaxReplicasAnnotation     = "deployment.kubernetes.io/max-replicas"
	lastAppliedAnnotation     = "kubectl.kubernetes.io/last-applied-configuration"
)

// Condition reasons.
const (
	ReasonNewRSCreated       = "NewReplicaSetCreated"
	ReasonFoundNewRS         = "FoundNewReplicaSet"
	ReasonRSUpdated          = "ReplicaSetUpdated"
	ReasonNewRSAvailable     = "NewReplicaSetAvailable"
	ReasonTimedOut           = "ProgressDeadlineExceeded"
	ReasonPaused             = "DeploymentPaused"
	ReasonResumed            = "DeploymentResumed"
	ReasonMinimumAvailable   = "MinimumReplicasAvailable"
	ReasonMinimumUnavailable = "MinimumReplicasUnavailable"
	ReasonFailedCreate       = "ReplicaSetCreateError"
)

// safeAlphabet avoids vowels and look-alike digits so that hashes never
// spell words.
const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// TemplateHash returns the pod-template-hash of template with the
// collision count mixed in: FNV-32a over its JSON, written in base 27
// with the safe alphabet.
func TemplateHash(template *corev1.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	b, _ := json.Marshal(template) // a template always marshals
	h.Write(b)
	if collisionCount != nil {
		h.Write([]byte(strconv.FormatInt(int64(*collisionCount), 10)))
	}
	n := h.Sum32()
	var out []byte
	for {
		out = append(out, safeAlphabet[n%uint32(len(safeAlphabet))])
		n /= uint32(len(safeAlphabet))
		if n == 0 {
			break
		}
	}
	return string(out)
}

// templateKey renders a template without the pod-template-hash label so
// that templates can be compared.
func templateKey(t *corev1.PodTemplateSpec) string {
	c := t.DeepCopy()
	delete(c.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
	if len(c.Labels) == 0 {
		c.Labels = nil
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// equalTemplates reports whether two templates are equal ignoring the
// pod-template-hash label.
func equalTemplates(a, b *corev1.PodTemplateSpec) bool { return templateKey(a) == templateKey(b) }

// replicas returns *p or the default of one.
func replicas(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

// resolveFenceposts returns maxSurge (rounded up) and maxUnavailable
// (rounded down) for d; they are never both zero.
func resolveFenceposts(d *appsv1.Deployment) (surge, unavailable int32) {
	if d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType {
		return 0, 0
	}
	want := int(replicas(d.Spec.Replicas))
	su, un := intstr.FromString("25%"), intstr.FromString("25%")
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		if ru.MaxSurge != nil {
			su = *ru.MaxSurge
		}
		if ru.MaxUnavailable != nil {
			un = *ru.MaxUnavailable
		}
	}
	s, err := intstr.GetScaledValueFromIntOrPercent(&su, want, true)
	if err != nil {
		s = 0
	}
	u, err := intstr.GetScaledValueFromIntOrPercent(&un, want, false)
	if err != nil {
		u = 0
	}
	if s == 0 && u == 0 {
		u = 1
	}
	return int32(s), int32(min(u, max(want, 1)))
}

// maxUnavailable is the unavailability the rollout may cause.
func maxUnavailable(d *appsv1.Deployment) int32 {
	if d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType || replicas(d.Spec.Replicas) == 0 {
		return 0
	}
	_, u := resolveFenceposts(d)
	return min(u, replicas(d.Spec.Replicas))
}

// maxSurge is the extra pods the rollout may create.
func maxSurge(d *appsv1.Deployment) int32 {
	s, _ := resolveFenceposts(d)
	return s
}

// revision parses rs's revision annotation (0 when absent or bad).
func revision(rs *appsv1.ReplicaSet) int64 {
	v, err := strconv.ParseInt(rs.Annotations[RevisionAnnotation], 10, 64)
	if err != nil {
		return 0
	}
	return v
}

// maxRevision is the highest revision among rss.
func maxRevision(rss []*appsv1.ReplicaSet) int64 {
	var m int64
	for _, rs := range rss {
		m = max(m, revision(rs))
	}
	return m
}

// intAnnotation parses an integer annotation.
func intAnnotation(rs *appsv1.ReplicaSet, key string) (int32, bool) {
	v, ok := rs.Annotations[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, false
	}
	return int32(n), true
}

// sumReplicas adds up spec.replicas.
func sumReplicas(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += replicas(rs.Spec.Replicas)
		}
	}
	return n
}

// sumStatus adds up a status field.
func sumStatus(rss []*appsv1.ReplicaSet, f func(*appsv1.ReplicaSetStatus) int32) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += f(&rs.Status)
		}
	}
	return n
}

// active keeps the RSes with replicas.
func active(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	var out []*appsv1.ReplicaSet
	for _, rs := range rss {
		if rs != nil && replicas(rs.Spec.Replicas) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// byCreation sorts oldest first (name breaks ties).
func byCreation(rss []*appsv1.ReplicaSet) {
	sort.SliceStable(rss, func(i, j int) bool {
		a, b := rss[i], rss[j]
		if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return a.CreationTimestamp.Before(&b.CreationTimestamp)
		}
		return a.Name < b.Name
	})
}

// bySize sorts larger first; on equal size newer first when newer is true,
// else older first.
func bySize(rss []*appsv1.ReplicaSet, newer bool) {
	sort.SliceStable(rss, func(i, j int) bool {
		a, b := rss[i], rss[j]
		if ra, rb := replicas(a.Spec.Replicas), replicas(b.Spec.Replicas); ra != rb {
			return ra > rb
		}
		if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return a.CreationTimestamp.Before(&b.CreationTimestamp) != newer
		}
		return a.Name < b.Name
	})
}

// roundHalfUp rounds x to the nearest integer.
func roundHalfUp(x float64) int32 { return int32(math.Round(x)) }

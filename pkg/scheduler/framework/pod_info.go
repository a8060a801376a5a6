package framework

import (
	"fmt"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/selection"
)

// AffinityTerm is a parsed PodAffinityTerm: a pod matches when its namespace
// is in Namespaces or selected by NamespaceSelector, and its labels match Selector.
type AffinityTerm struct {
	Namespaces        map[string]struct{}
	Selector          labels.Selector
	TopologyKey       string
	NamespaceSelector labels.Selector
}

// Matches reports whether pod (with its namespace's labels nsLabels) matches the term.
func (t *AffinityTerm) Matches(pod *corev1.Pod, nsLabels labels.Set) bool {
	if _, ok := t.Namespaces[pod.Namespace]; ok || t.NamespaceSelector.Matches(nsLabels) {
		return t.Selector.Matches(labels.Set(pod.Labels))
	}
	return false
}

// WeightedAffinityTerm is an AffinityTerm with a preference weight.
type WeightedAffinityTerm struct {
	AffinityTerm
	Weight int32
}

// PodInfo is a pod with the data the scheduler derives from it once: parsed
// affinity terms and resource requests.
type PodInfo struct {
	Pod                        *corev1.Pod
	RequiredAffinityTerms      []AffinityTerm
	RequiredAntiAffinityTerms  []AffinityTerm
	PreferredAffinityTerms     []WeightedAffinityTerm
	PreferredAntiAffinityTerms []WeightedAffinityTerm
	// Requests is what the pod reserves (PodRequests without defaults).
	Requests *Resource
	// NonZeroRequests counts default cpu/memory for containers without requests.
	NonZeroRequests *Resource
	// ParseError is set when an affinity term could not be parsed.
	ParseError error
}

// NewPodInfo parses pod.
func NewPodInfo(pod *corev1.Pod) *PodInfo {
	pi := &PodInfo{}
	pi.Update(pod)
	return pi
}

// Update re-derives the info for a new version of the pod.
func (pi *PodInfo) Update(pod *corev1.Pod) {
	*pi = PodInfo{Pod: pod}
	pi.Requests = PodRequests(pod, false)
	pi.NonZeroRequests = PodRequests(pod, true)
	aff := pod.Spec.Affinity
	if aff == nil {
		return
	}
	var err error
	if a := aff.PodAffinity; a != nil {
		pi.RequiredAffinityTerms, err = affinityTerms(pod, a.RequiredDuringSchedulingIgnoredDuringExecution)
		pi.setErr(err)
		pi.PreferredAffinityTerms, err = weightedAffinityTerms(pod, a.PreferredDuringSchedulingIgnoredDuringExecution)
		pi.setErr(err)
	}
	if a := aff.PodAntiAffinity; a != nil {
		pi.RequiredAntiAffinityTerms, err = affinityTerms(pod, a.RequiredDuringSchedulingIgnoredDuringExecution)
		pi.setErr(err)
		pi.PreferredAntiAffinityTerms, err = weightedAffinityTerms(pod, a.PreferredDuringSchedulingIgnoredDuringExecution)
		pi.setErr(err)
	}
}

func (pi *PodInfo) setErr(err error) {
	if err != nil && pi.ParseError == nil {
		pi.ParseError = err
	}
}

// HasAffinity reports whether the pod has any pod (anti-)affinity term.
func (pi *PodInfo) HasAffinity() bool {
	return len(pi.RequiredAffinityTerms)+len(pi.RequiredAntiAffinityTerms)+
		len(pi.PreferredAffinityTerms)+len(pi.PreferredAntiAffinityTerms) > 0
}

// NewAffinityTerm parses one PodAffinityTerm of pod, applying matchLabelKeys
// and mismatchLabelKeys against pod's own labels.
func NewAffinityTerm(pod *corev1.Pod, t *corev1.PodAffinityTerm) (AffinityTerm, error) {
	sel, err := metav1.LabelSelectorAsSelector(t.LabelSelector)
	if err != nil {
		return AffinityTerm{}, fmt.Errorf("pod %s/%s affinity term: %w", pod.Namespace, pod.Name, err)
	}
	if len(t.MatchLabelKeys)+len(t.MismatchLabelKeys) > 0 && t.LabelSelector != nil {
		for _, k := range t.MatchLabelKeys {
			if v, ok := pod.Labels[k]; ok {
				r, err := labels.NewRequirement(k, selection.In, []string{v})
				if err == nil {
					sel = sel.Add(*r)
				}
			}
		}
		for _, k := range t.MismatchLabelKeys {
			if v, ok := pod.Labels[k]; ok {
				r, err := labels.NewRequirement(k, selection.NotIn, []string{v})
				if err == nil {
					sel = sel.Add(*r)
				}
			}
		}
	}
	term := AffinityTerm{Selector: sel, TopologyKey: t.TopologyKey, Namespaces: map[string]struct{}{}}
	for _, ns := range t.Namespaces {
		term.Namespaces[ns] = struct{}{}
	}
	if t.NamespaceSelector == nil {
		term.NamespaceSelector = labels.Nothing()
		if len(t.Namespaces) == 0 {
			term.Namespaces[pod.Namespace] = struct{}{}
		}
	} else {
		term.NamespaceSelector, err = metav1.LabelSelectorAsSelector(t.NamespaceSelector)
		if err != nil {
			return AffinityTerm{}, fmt.Errorf("pod %s/%s affinity namespaceSelector: %w", pod.Namespace, pod.Name, err)
		}
	}
	return term, nil
}

func affinityTerms(pod *corev1.Pod, in []corev1.PodAffinityTerm) ([]AffinityTerm, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]AffinityTerm, 0, len(in))
	for i := range in {
		t, err := NewAffinityTerm(pod, &in[i])
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func weightedAffinityTerms(pod *corev1.Pod, in []corev1.WeightedPodAffinityTerm) ([]WeightedAffinityTerm, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]WeightedAffinityTerm, 0, len(in))
	for i := range in {
		t, err := NewAffinityTerm(pod, &in[i].PodAffinityTerm)
		if err != nil {
			return nil, err
		}
		out = append(out, WeightedAffinityTerm{AffinityTerm: t, Weight: in[i].Weight})
	}
	return out, nil
}

// QueuedPodInfo is a pod in the scheduling queue with its queue bookkeeping.
type QueuedPodInfo struct {
	*PodInfo
	// Timestamp is when the pod was last added to the queue.
	Timestamp time.Time
	// Attempts counts scheduling attempts, for backoff.
	Attempts int
	// InitialAttemptTimestamp is when the pod was first attempted.
	InitialAttemptTimestamp time.Time
	// UnschedulablePlugins are the plugins that rejected the pod last time; their events requeue it.
	UnschedulablePlugins map[string]struct{}
	// GatingPlugin is the PreEnqueue plugin holding the pod back, if any.
	GatingPlugin string
}

// PodKey returns namespace/name.
func PodKey(pod *corev1.Pod) string { return pod.Namespace + "/" + pod.Name }

// PodPriority returns spec.priority, 0 when unset.
func PodPriority(pod *corev1.Pod) int32 {
	if pod.Spec.Priority != nil {
		return *pod.Spec.Priority
	}
	return 0
}

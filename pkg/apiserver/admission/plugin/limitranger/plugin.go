package limitranger

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/admission/internal/objects"
)

// PluginName is the plugin's name in --enable-admission-plugins.
const PluginName = "LimitRanger"

// AnnotationKey records which defaults the plugin applied to a pod.
const AnnotationKey = "kubernetes.io/limit-ranger"

var (
	podsGR   = schema.GroupResource{Resource: "pods"}
	claimsGR = schema.GroupResource{Resource: "persistentvolumeclaims"}
)

// Plugin applies LimitRanges.
type Plugin struct {
	ranges *objects.Source
}

var (
	_ admission.Mutator   = (*Plugin)(nil)
	_ admission.Validator = (*Plugin)(nil)
)

// New returns the plugin reading LimitRanges through lookup.
func New(lookup objects.Lookup) (*Plugin, error) {
	src, err := objects.NewSource(lookup, schema.GroupResource{Resource: "limitranges"})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", PluginName, err)
	}
	return &Plugin{ranges: src}, nil
}

// Handles implements admission.Plugin: pod creates (containers cannot
// change afterwards) and claim creates and updates.
func (p *Plugin) Handles(op admission.Operation, gr schema.GroupResource) bool {
	switch gr {
	case podsGR:
		return op == admission.Create
	case claimsGR:
		return op == admission.Create || op == admission.Update
	}
	return false
}

func (p *Plugin) list(ctx context.Context, ns string) ([]*corev1.LimitRange, error) {
	if ns == "" {
		return nil, nil
	}
	items, err := p.ranges.ListOrLive(ctx, ns, true)
	if err != nil {
		return nil, err
	}
	return objects.Typed[*corev1.LimitRange](items), nil
}

// Admit implements admission.Mutator: container defaults.
func (p *Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	pod, ok := a.Object.(*corev1.Pod)
	if !ok {
		return nil
	}
	ranges, err := p.list(ctx, a.Namespace)
	if err != nil {
		return err
	}
	for _, lr := range ranges {
		ApplyDefaults(lr, pod)
	}
	return nil
}

// Validate implements admission.Validator.
func (p *Plugin) Validate(ctx context.Context, a *admission.Attributes) error {
	ranges, err := p.list(ctx, a.Namespace)
	if err != nil || len(ranges) == 0 {
		return err
	}
	for _, lr := range ranges {
		var errs []error
		switch obj := a.Object.(type) {
		case *corev1.Pod:
			errs = ValidatePod(lr, obj)
		case *corev1.PersistentVolumeClaim:
			errs = ValidateClaim(lr, obj)
		}
		if err := admission.JoinErrors(errs); err != nil {
			return admission.NewForbidden(a, err)
		}
	}
	return nil
}

// ApplyDefaults gives every container of pod the default requests and
// limits of lr's Container items it does not state, and records what it
// set in the pod's annotation.
func ApplyDefaults(lr *corev1.LimitRange, pod *corev1.Pod) {
	requests, limits := corev1.ResourceList{}, corev1.ResourceList{}
	for _, it := range lr.Spec.Limits {
		if it.Type != corev1.LimitTypeContainer {
			continue
		}
		for k, v := range it.DefaultRequest {
			requests[k] = v.DeepCopy()
		}
		for k, v := range it.Default {
			limits[k] = v.DeepCopy()
		}
	}
	if len(requests) == 0 && len(limits) == 0 {
		return
	}
	var notes []string
	for i := range pod.Spec.Containers {
		notes = fill(&pod.Spec.Containers[i], "container", requests, limits, notes)
	}
	for i := range pod.Spec.InitContainers {
		notes = fill(&pod.Spec.InitContainers[i], "init container", requests, limits, notes)
	}
	if len(notes) == 0 {
		return
	}
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Annotations[AnnotationKey] = "LimitRanger plugin set: " + strings.Join(notes, "; ")
}

// fill sets the missing requests and limits of c and appends what it set.
func fill(c *corev1.Container, what string, requests, limits corev1.ResourceList, notes []string) []string {
	set := func(dst *corev1.ResourceList, defaults corev1.ResourceList) []string {
		var names []string
		for k, v := range defaults {
			if _, ok := (*dst)[k]; ok {
				continue
			}
			if *dst == nil {
				*dst = corev1.ResourceList{}
			}
			(*dst)[k] = v.DeepCopy()
			names = append(names, string(k))
		}
		sort.Strings(names)
		return names
	}
	if names := set(&c.Resources.Requests, requests); len(names) > 0 {
		notes = append(notes, fmt.Sprintf("%s request for %s %s", strings.Join(names, ", "), what, c.Name))
	}
	if names := set(&c.Resources.Limits, limits); len(names) > 0 {
		notes = append(notes, fmt.Sprintf("%s limit for %s %s", strings.Join(names, ", "), what, c.Name))
	}
	return notes
}

// sortedNames returns the keys of l in order, for stable messages.
func sortedNames(l corev1.ResourceList) []corev1.ResourceName {
	out := make([]corev1.ResourceName, 0, len(l))
	for k := range l {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ValidatePod checks pod against lr's Container and Pod items.
func ValidatePod(lr *corev1.LimitRange, pod *corev1.Pod) []error {
	var errs []error
	for _, it := range lr.Spec.Limits {
		switch it.Type {
		case corev1.LimitTypeContainer:
			check := func(c *corev1.Container) {
				errs = append(errs, checkItem(it, string(it.Type), c.Resources.Requests, c.Resources.Limits)...)
			}
			for i := range pod.Spec.Containers {
				check(&pod.Spec.Containers[i])
			}
			for i := range pod.Spec.InitContainers {
				check(&pod.Spec.InitContainers[i])
			}
		case corev1.LimitTypePod:
			req, lim := podTotals(pod, false), podTotals(pod, true)
			errs = append(errs, checkItem(it, string(it.Type), req, lim)...)
		}
	}
	return errs
}

// ValidateClaim checks a claim's storage request against lr's
// PersistentVolumeClaim items.
func ValidateClaim(lr *corev1.LimitRange, pvc *corev1.PersistentVolumeClaim) []error {
	var errs []error
	for _, it := range lr.Spec.Limits {
		if it.Type != corev1.LimitTypePersistentVolumeClaim {
			continue
		}
		for _, k := range sortedNames(it.Min) {
			if err := minConstraint(string(it.Type), k, it.Min[k], pvc.Spec.Resources.Requests, nil); err != nil {
				errs = append(errs, err)
			}
		}
		for _, k := range sortedNames(it.Max) {
			if err := maxRequestConstraint(string(it.Type), k, it.Max[k], pvc.Spec.Resources.Requests); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

// checkItem applies one item's min, max and ratio to requests and limits.
func checkItem(it corev1.LimitRangeItem, what string, requests, limits corev1.ResourceList) []error {
	var errs []error
	for _, k := range sortedNames(it.Min) {
		if err := minConstraint(what, k, it.Min[k], requests, limits); err != nil {
			errs = append(errs, err)
		}
	}
	for _, k := range sortedNames(it.Max) {
		if err := maxConstraint(what, k, it.Max[k], requests, limits); err != nil {
			errs = append(errs, err)
		}
	}
	for _, k := range sortedNames(it.MaxLimitRequestRatio) {
		if err := ratioConstraint(what, k, it.MaxLimitRequestRatio[k], requests, limits); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// podTotals sums the containers' requests (or limits) per resource; init
// containers run one at a time, so each counts only when larger.
func podTotals(pod *corev1.Pod, limits bool) corev1.ResourceList {
	pick := func(c *corev1.Container) corev1.ResourceList {
		if limits {
			return c.Resources.Limits
		}
		return c.Resources.Requests
	}
	out := corev1.ResourceList{}
	for i := range pod.Spec.Containers {
		for k, v := range pick(&pod.Spec.Containers[i]) {
			q := out[k]
			q.Add(v)
			out[k] = q
		}
	}
	for i := range pod.Spec.InitContainers {
		for k, v := range pick(&pod.Spec.InitContainers[i]) {
			if q, ok := out[k]; !ok || v.Cmp(q) > 0 {
				out[k] = v.DeepCopy()
			}
		}
	}
	return out
}

func minConstraint(what string, name corev1.ResourceName, min resource.Quantity, requests, limits corev1.ResourceList) error {
	req, hasReq := requests[name]
	lim, hasLim := limits[name]
	if !hasReq {
		return fmt.Errorf("minimum %s usage per %s is %s.  No request is specified", name, what, min.String())
	}
	if req.Cmp(min) < 0 {
		return fmt.Errorf("minimum %s usage per %s is %s, but request is %s", name, what, min.String(), req.String())
	}
	if hasLim && lim.Cmp(min) < 0 {
		return fmt.Errorf("minimum %s usage per %s is %s, but limit is %s", name, what, min.String(), lim.String())
	}
	return nil
}

func maxConstraint(what string, name corev1.ResourceName, max resource.Quantity, requests, limits corev1.ResourceList) error {
	req, hasReq := requests[name]
	lim, hasLim := limits[name]
	if !hasLim {
		return fmt.Errorf("maximum %s usage per %s is %s.  No limit is specified", name, what, max.String())
	}
	if lim.Cmp(max) > 0 {
		return fmt.Errorf("maximum %s usage per %s is %s, but limit is %s", name, what, max.String(), lim.String())
	}
	if hasReq && req.Cmp(max) > 0 {
		return fmt.Errorf("maximum %s usage per %s is %s, but request is %s", name, what, max.String(), req.String())
	}
	return nil
}

func maxRequestConstraint(what string, name corev1.ResourceName, max resource.Quantity, requests corev1.ResourceList) error {
	req, hasReq := requests[name]
	if !hasReq {
		return fmt.Errorf("maximum %s usage per %s is %s.  No request is specified", name, what, max.String())
	}
	if req.Cmp(max) > 0 {
		return fmt.Errorf("maximum %s usage per %s is %s, but request is %s", name, what, max.String(), req.String())
	}
	return nil
}

func ratioConstraint(what string, name corev1.ResourceName, ratio resource.Quantity, requests, limits corev1.ResourceList) error {
	req, hasReq := requests[name]
	lim, hasLim := limits[name]
	if !hasReq || req.IsZero() {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but no request is specified or request is 0", name, what, ratio.String())
	}
	if !hasLim || lim.IsZero() {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but no limit is specified or limit is 0", name, what, ratio.String())
	}
	observed := float64(lim.MilliValue()) / float64(req.MilliValue())
	// limit/request > ratio, compared exactly as limit*1000 > request*ratio
	// in milli units.
	left := new(big.Int).Mul(big.NewInt(lim.MilliValue()), big.NewInt(1000))
	right := new(big.Int).Mul(big.NewInt(req.MilliValue()), big.NewInt(ratio.MilliValue()))
	if left.Cmp(right) > 0 {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but provided ratio is %f", name, what, ratio.String(), observed)
	}
	return nil
}

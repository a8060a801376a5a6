package priority

import (
	"context"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/admission/internal/objects"
)

// PluginName is the plugin's name in --enable-admission-plugins.
const PluginName = "Priority"

// The built-in classes and their values (Kubernetes' system classes).
const (
	SystemNodeCritical    = "system-node-critical"
	SystemClusterCritical = "system-cluster-critical"
	systemCriticalValue   = int32(2000000000)
)

var builtin = map[string]int32{
	SystemClusterCritical: systemCriticalValue,
	SystemNodeCritical:    systemCriticalValue + 1000,
}

// Plugin resolves pod priorities.
type Plugin struct {
	classes *objects.Source
}

var (
	_ admission.Mutator   = (*Plugin)(nil)
	_ admission.Validator = (*Plugin)(nil)
)

var (
	podsGR    = schema.GroupResource{Resource: "pods"}
	classesGR = schema.GroupResource{Group: "scheduling.k8s.io", Resource: "priorityclasses"}
)

// New returns the plugin reading PriorityClasses through lookup.
func New(lookup objects.Lookup) (*Plugin, error) {
	src, err := objects.NewSource(lookup, classesGR)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", PluginName, err)
	}
	return &Plugin{classes: src}, nil
}

// Handles implements admission.Plugin: pod creates, and PriorityClass
// writes (a single global default).
func (p *Plugin) Handles(op admission.Operation, gr schema.GroupResource) bool {
	switch gr {
	case podsGR:
		return op == admission.Create
	case classesGR:
		return op == admission.Create || op == admission.Update
	}
	return false
}

// Validate implements admission.Validator: at most one PriorityClass may
// be the global default.
func (p *Plugin) Validate(ctx context.Context, a *admission.Attributes) error {
	pc, ok := a.Object.(*schedulingv1.PriorityClass)
	if !ok || !pc.GlobalDefault {
		return nil
	}
	items, err := p.classes.ListLive(ctx, "")
	if err != nil {
		return err
	}
	def := GlobalDefault(objects.Typed[*schedulingv1.PriorityClass](items))
	if def == nil || (a.Operation == admission.Update && def.Name == pc.Name) {
		return nil
	}
	return admission.NewForbidden(a, fmt.Errorf("PriorityClass %v is already marked as default. Only one default can exist", def.Name))
}

// Admit implements admission.Mutator: pod priorities.
func (p *Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	pod, ok := a.Object.(*corev1.Pod)
	if !ok {
		return nil
	}
	var (
		value  int32
		policy *corev1.PreemptionPolicy
	)
	if name := pod.Spec.PriorityClassName; name != "" {
		obj, found, err := p.classes.Get(ctx, "", name)
		if err != nil {
			return err
		}
		switch {
		case found:
			pc := obj.(*schedulingv1.PriorityClass)
			value, policy = pc.Value, pc.PreemptionPolicy
		case builtin[name] != 0:
			value = builtin[name]
		default:
			return admission.NewForbidden(a, fmt.Errorf("no PriorityClass with name %v was found", name))
		}
	} else {
		items, err := p.classes.List(ctx, "")
		if err != nil {
			return err
		}
		if def := GlobalDefault(objects.Typed[*schedulingv1.PriorityClass](items)); def != nil {
			pod.Spec.PriorityClassName = def.Name
			value, policy = def.Value, def.PreemptionPolicy
		}
	}
	if pod.Spec.Priority != nil && *pod.Spec.Priority != value {
		return admission.NewForbidden(a, fmt.Errorf("the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name", *pod.Spec.Priority, value))
	}
	pod.Spec.Priority = &value
	if policy == nil {
		lower := corev1.PreemptLowerPriority
		policy = &lower
	}
	if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy != *policy {
		return admission.NewForbidden(a, fmt.Errorf("the string value of PreemptionPolicy (%s) must not be provided in pod spec; priority admission controller computed %s from the given PriorityClass name", *pod.Spec.PreemptionPolicy, *policy))
	}
	pp := *policy
	pod.Spec.PreemptionPolicy = &pp
	return nil
}

// GlobalDefault returns the class marked globalDefault (the lowest value
// when several are), or nil.
func GlobalDefault(classes []*schedulingv1.PriorityClass) *schedulingv1.PriorityClass {
	var best *schedulingv1.PriorityClass
	for _, pc := range classes {
		if pc.GlobalDefault && (best == nil || pc.Value < best.Value) {
			best = pc
		}
	}
	return best
}

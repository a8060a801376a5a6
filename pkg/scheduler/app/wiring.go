package app

import (
	"context"
	"errors"
	"log/slog"

	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/scheduler"
	"keel.dev/keel/pkg/scheduler/framework"
)

// wiring owns the informers feeding the scheduler.
type wiring struct {
	log     *slog.Logger
	factory *informers.Factory
	pcs     *informers.PriorityClassInformer
	pdbs    *informers.PodDisruptionBudgetInformer
	// vols is set when VolumeBinding is enabled (watchVolumes).
	vols *volumeLister
}

func newWiring(cs *typed.Clientset, log *slog.Logger) *wiring {
	f := informers.NewFactory(cs, 0)
	return &wiring{log: log, factory: f, pcs: informers.PriorityClasses(f), pdbs: informers.PodDisruptionBudgets(f)}
}

func (w *wiring) pdbLister() framework.PDBLister {
	return framework.PDBListerFunc(func() ([]*policyv1.PodDisruptionBudget, error) {
		return w.pdbs.Lister().List(labels.Everything())
	})
}

// start syncs PriorityClasses and PDBs first (pods' priorities are resolved
// from them) with the volume and workload informers when created, then
// namespaces, nodes and pods, and waits for every cache.
func (w *wiring) start(ctx context.Context, s *scheduler.Scheduler) error {
	w.volumeEvents(s)
	w.factory.Start(ctx)
	if !w.factory.WaitForCacheSync(ctx) {
		return errors.New("priority class and PDB caches did not sync")
	}
	informers.Namespaces(w.factory).AddEventHandler(informers.HandlerFuncs[*corev1.Namespace]{
		AddFunc:    func(ns *corev1.Namespace, _ bool) { s.OnNamespace(ns.Name, ns.Labels) },
		UpdateFunc: func(_, ns *corev1.Namespace) { s.OnNamespace(ns.Name, ns.Labels) },
		DeleteFunc: func(ns *corev1.Namespace) { s.OnNamespace(ns.Name, nil) },
	})
	informers.Nodes(w.factory, informers.Transform(trimNode)).AddEventHandler(informers.HandlerFuncs[*corev1.Node]{
		AddFunc:    func(n *corev1.Node, _ bool) { s.OnNodeAdd(ctx, n) },
		UpdateFunc: func(o, n *corev1.Node) { s.OnNodeUpdate(ctx, o, n) },
		DeleteFunc: func(n *corev1.Node) { s.OnNodeDelete(ctx, n) },
	})
	informers.Pods(w.factory, informers.Transform(trimPod)).AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
		AddFunc: func(p *corev1.Pod, _ bool) {
			if !terminal(p) {
				s.OnPodAdd(ctx, w.withPriority(p))
			}
		},
		UpdateFunc: func(o, n *corev1.Pod) {
			switch {
			case terminal(o) && terminal(n):
			case terminal(n):
				s.OnPodDelete(ctx, w.withPriority(o))
			case terminal(o):
				s.OnPodAdd(ctx, w.withPriority(n))
			default:
				s.OnPodUpdate(ctx, w.withPriority(o), w.withPriority(n))
			}
		},
		DeleteFunc: func(p *corev1.Pod) {
			if !terminal(p) {
				s.OnPodDelete(ctx, w.withPriority(p))
			}
		},
	})
	w.factory.Start(ctx)
	if !w.factory.WaitForCacheSync(ctx) {
		return errors.New("pod, node and namespace caches did not sync")
	}
	return nil
}

// terminal reports a pod that no longer holds node resources; like
// kube-scheduler, the scheduler never sees succeeded or failed pods.
func terminal(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

// withPriority fills spec.priority from the pod's PriorityClass (or the
// global default class) when admission did not set it; the cached pod is
// copied, never mutated.
func (w *wiring) withPriority(p *corev1.Pod) *corev1.Pod {
	if p.Spec.Priority != nil {
		return p
	}
	var value int32
	if name := p.Spec.PriorityClassName; name != "" {
		pc, err := w.pcs.Lister().Get("", name)
		if err != nil {
			return p
		}
		value = pc.Value
	} else if pc := w.globalDefault(); pc != nil {
		value = pc.Value
	} else {
		return p
	}
	cp := p.DeepCopy()
	cp.Spec.Priority = &value
	return cp
}

func (w *wiring) globalDefault() *schedulingv1.PriorityClass {
	pcs, _ := w.pcs.Lister().List(labels.Everything())
	var best *schedulingv1.PriorityClass
	for _, pc := range pcs {
		if pc.GlobalDefault && (best == nil || pc.Value < best.Value) {
			best = pc
		}
	}
	return best
}

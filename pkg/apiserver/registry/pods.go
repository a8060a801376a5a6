package registry

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation/field"

	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"

	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/cacher"
)

// PodNodeNameIndex is the cache index of pods by spec.nodeName.
const PodNodeNameIndex = "spec.nodeName"

var podFieldNames = []string{
	"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
	"spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName",
}

func podFields(obj runtime.Object) fields.Set {
	p := obj.(*corev1.Pod)
	podIP := p.Status.PodIP
	if podIP == "" && len(p.Status.PodIPs) > 0 {
		podIP = p.Status.PodIPs[0].IP
	}
	return fields.Set{
		"spec.nodeName":            p.Spec.NodeName,
		"spec.restartPolicy":       string(p.Spec.RestartPolicy),
		"spec.schedulerName":       p.Spec.SchedulerName,
		"spec.serviceAccountName":  p.Spec.ServiceAccountName,
		"spec.hostNetwork":         strconv.FormatBool(p.Spec.HostNetwork),
		"status.phase":             string(p.Status.Phase),
		"status.podIP":             podIP,
		"status.nominatedNodeName": p.Status.NominatedNodeName,
	}
}

func podConfig(k *kindConfig) {
	k.fieldNames = podFieldNames
	k.fields = podFields
	k.indexers = map[string]cacher.IndexFunc{
		PodNodeNameIndex: func(obj runtime.Object) string { return obj.(*corev1.Pod).Spec.NodeName },
	}
	k.onCreate = func(ctx context.Context, obj runtime.Object) {
		p := obj.(*corev1.Pod)
		p.Status = corev1.PodStatus{Phase: corev1.PodPending}
		p.Status.QOSClass = corev1.ComputePodQOS(p)
		addDefaultTolerations(p)
	}
	k.graceful = podGracefulDelete
}

// podGracefulDelete sets the grace period of a pod deletion: the request's,
// else spec.terminationGracePeriodSeconds; 0 for pods never scheduled or
// already finished.
func podGracefulDelete(ctx context.Context, obj runtime.Object, opts *metav1.DeleteOptions) bool {
	p := obj.(*corev1.Pod)
	grace := int64(corev1.DefaultTerminationGracePeriodSeconds)
	if p.Spec.TerminationGracePeriodSeconds != nil {
		grace = *p.Spec.TerminationGracePeriodSeconds
	}
	if opts.GracePeriodSeconds != nil {
		grace = *opts.GracePeriodSeconds
		if grace < 0 {
			grace = 1
		}
	}
	if p.Spec.NodeName == "" || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		grace = 0
	}
	opts.GracePeriodSeconds = &grace
	return true
}

// ephemeralContainersStrategy updates only spec.ephemeralContainers.
func ephemeralContainersStrategy(scheme *runtime.Scheme, parent *generic.Store) generic.Strategy {
	return &generic.StatusStrategy{
		Strategy:      parent.Strategy,
		Scheme:        scheme,
		KeepFields:    []string{"Status"},
		SkipResetMeta: true,
		OnUpdate: func(ctx context.Context, obj, old runtime.Object) {
			p, o := obj.(*corev1.Pod), old.(*corev1.Pod)
			ecs := p.Spec.EphemeralContainers
			rv := p.ResourceVersion
			*p = *o.DeepCopyObject().(*corev1.Pod)
			p.Spec.EphemeralContainers = ecs
			p.ResourceVersion = rv
		},
		ValidateFunc: func(obj, old runtime.Object) field.ErrorList {
			return corev1.ValidatePodEphemeralContainersUpdate(obj.(*corev1.Pod), old.(*corev1.Pod))
		},
	}
}

// bindingStore serves pods/binding and the bindings resource: it sets
// spec.nodeName of an unbound pod.
type bindingStore struct {
	pods     *generic.Store
	podsFunc func() *generic.Store
}

var _ rest.Creater = (*bindingStore)(nil)

// New implements rest.Storage.
func (s *bindingStore) New() runtime.Object {
	return &corev1.Binding{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Binding"}}
}

func (s *bindingStore) store() *generic.Store {
	if s.pods == nil && s.podsFunc != nil {
		s.pods = s.podsFunc()
	}
	return s.pods
}

// Create implements rest.Creater.
func (s *bindingStore) Create(ctx context.Context, obj runtime.Object, opts *metav1.CreateOptions) (runtime.Object, error) {
	b, ok := obj.(*corev1.Binding)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Binding object: %T", obj))
	}
	pods := s.store()
	ns := rest.NamespaceFrom(ctx)
	if b.Namespace != "" && ns != "" && b.Namespace != ns {
		return nil, apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	if ns == "" {
		ns = b.Namespace
	}
	if errs := corev1.ValidatePodBinding(b); len(errs) > 0 {
		return nil, apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("Binding").GroupKind(), b.Name, errs)
	}
	key, err := pods.KeyFor(ns, b.Name)
	if err != nil {
		return nil, err
	}
	var pre *storage.Preconditions
	if b.UID != "" {
		uid := b.UID
		pre = &storage.Preconditions{UID: &uid}
	}
	dryRun := opts != nil && rest.IsDryRun(opts.DryRun)
	bind := func(cur runtime.Object) (runtime.Object, error) {
		p := cur.(*corev1.Pod)
		if p.DeletionTimestamp != nil {
			return nil, apierrors.NewConflict(pods.Resource, b.Name, fmt.Errorf("pod %s is being deleted, cannot be assigned to a host", b.Name))
		}
		if p.Spec.NodeName != "" {
			return nil, apierrors.NewConflict(pods.Resource, b.Name, fmt.Errorf("pod %v is already assigned to node %q", b.Name, p.Spec.NodeName))
		}
		p.Spec.NodeName = b.Target.Name
		for k, v := range b.Annotations {
			if p.Annotations == nil {
				p.Annotations = map[string]string{}
			}
			p.Annotations[k] = v
		}
		setPodScheduled(p)
		if dryRun {
			return nil, errDryRun
		}
		return p, nil
	}
	_, err = pods.Storage.GuaranteedUpdate(ctx, key, storage.UpdateOptions{Preconditions: pre}, bind)
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, interpret(err, pods.Resource, b.Name)
	}
	return &metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status: metav1.StatusSuccess, Code: 201}, nil
}

var errDryRun = errors.New("dry run")

// setPodScheduled sets the PodScheduled condition True.
func setPodScheduled(p *corev1.Pod) {
	now := metav1.Now()
	for i := range p.Status.Conditions {
		c := &p.Status.Conditions[i]
		if c.Type == corev1.PodScheduled {
			if c.Status != corev1.ConditionTrue {
				c.Status = corev1.ConditionTrue
				c.LastTransitionTime = now
				c.Reason, c.Message = "", ""
			}
			return
		}
	}
	p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{
		Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now})
}

// evictionStore serves pods/eviction: it deletes a pod unless a
// PodDisruptionBudget forbids it.
type evictionStore struct {
	pods *generic.Store
	pdbs *generic.Store
}

var _ rest.Creater = (*evictionStore)(nil)

// New implements rest.Storage.
func (s *evictionStore) New() runtime.Object {
	return &policyv1.Eviction{TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "Eviction"}}
}

var evictionGVK = policyv1.SchemeGroupVersion.WithKind("Eviction")

// EvictionMessage is the message of an eviction refused by a budget.
const EvictionMessage = "Cannot evict pod as it would violate the pod's disruption budget."

// Create implements rest.Creater.
func (s *evictionStore) Create(ctx context.Context, obj runtime.Object, opts *metav1.CreateOptions) (runtime.Object, error) {
	ev, ok := obj.(*policyv1.Eviction)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not an Eviction object: %T", obj))
	}
	ns := rest.NamespaceFrom(ctx)
	name := ev.Name
	dryRun := opts != nil && rest.IsDryRun(opts.DryRun)
	if err := s.pods.AdmitSubresourceCreate(ctx, "eviction", name, evictionGVK, ev, dryRun); err != nil {
		return nil, err
	}
	podObj, err := s.pods.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	pod := podObj.(*corev1.Pod)
	delOpts := &metav1.DeleteOptions{}
	if ev.DeleteOptions != nil {
		delOpts = ev.DeleteOptions.DeepCopyObject().(*metav1.DeleteOptions)
	}
	if opts != nil && rest.IsDryRun(opts.DryRun) {
		delOpts.DryRun = opts.DryRun
	}
	success := &metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusSuccess, Code: 201}
	canIgnore := pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodSucceeded ||
		pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodPending
	if !canIgnore && s.pdbs != nil {
		if err := s.checkBudget(rest.WithNamespace(ctx, ns), pod, rest.IsDryRun(delOpts.DryRun)); err != nil {
			return nil, err
		}
	}
	if delOpts.Preconditions == nil {
		uid := pod.UID
		delOpts.Preconditions = &metav1.Preconditions{UID: &uid}
	}
	if _, _, err := s.pods.Delete(ctx, name, delOpts); err != nil {
		return nil, err
	}
	return success, nil
}

// checkBudget consumes one allowed disruption of the pod's budget, or
// refuses the eviction (429).
func (s *evictionStore) checkBudget(ctx context.Context, pod *corev1.Pod, dryRun bool) error {
	listObj, err := s.pdbs.List(ctx, &rest.ListOptions{})
	if err != nil {
		return err
	}
	list := listObj.(*policyv1.PodDisruptionBudgetList)
	var match []*policyv1.PodDisruptionBudget
	for i := range list.Items {
		pdb := &list.Items[i]
		if pdb.Spec.Selector == nil {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil {
			continue
		}
		if sel.Matches(labels.Set(pod.Labels)) {
			match = append(match, pdb)
		}
	}
	switch len(match) {
	case 0:
		return nil
	case 1:
	default:
		return apierrors.NewInternalError(errors.New("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."))
	}
	pdb := match[0]
	refuse := func(msg string) error {
		e := apierrors.NewTooManyRequests(EvictionMessage, 0)
		e.ErrStatus.Details.Causes = append(e.ErrStatus.Details.Causes,
			metav1.StatusCause{Type: policyv1.DisruptionBudgetCause, Message: msg})
		return e
	}
	key, err := s.pdbs.KeyFor(pdb.Namespace, pdb.Name)
	if err != nil {
		return err
	}
	consume := func(cur runtime.Object) (runtime.Object, error) {
		p := cur.(*policyv1.PodDisruptionBudget)
		if p.Status.ObservedGeneration < p.Generation {
			return nil, refuse(fmt.Sprintf("The disruption budget %s is still being processed by the server.", p.Name))
		}
		if p.Status.DisruptionsAllowed < 0 {
			return nil, apierrors.NewForbidden(s.pods.Resource, pod.Name, errors.New("pdb disruptions allowed is negative"))
		}
		if p.Status.DisruptionsAllowed == 0 {
			return nil, refuse(fmt.Sprintf("The disruption budget %s needs %d healthy pods and has %d currently",
				p.Name, p.Status.DesiredHealthy, p.Status.CurrentHealthy))
		}
		p.Status.DisruptionsAllowed--
		if p.Status.DisruptedPods == nil {
			p.Status.DisruptedPods = map[string]metav1.Time{}
		}
		p.Status.DisruptedPods[pod.Name] = metav1.Now()
		if dryRun {
			return nil, errDryRun
		}
		return p, nil
	}
	_, err = s.pdbs.Storage.GuaranteedUpdate(ctx, key, storage.UpdateOptions{}, consume)
	if err != nil && !errors.Is(err, errDryRun) {
		return interpret(err, s.pdbs.Resource, pdb.Name)
	}
	return nil
}

// defaultTolerationSeconds is how long pods stay on a not-ready or unreachable
// node before the node lifecycle controller evicts them.
const defaultTolerationSeconds int64 = 300

// addDefaultTolerations gives a new pod Kubernetes' default tolerations of
// the not-ready and unreachable NoExecute taints (300 s), unless it already
// tolerates them, as the DefaultTolerationSeconds admission step does.
func addDefaultTolerations(p *corev1.Pod) {
	for _, key := range []string{"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"} {
		tolerated := false
		for _, t := range p.Spec.Tolerations {
			keyMatches := t.Key == key || (t.Key == "" && t.Operator == corev1.TolerationOpExists)
			if keyMatches && (t.Effect == "" || t.Effect == corev1.TaintEffectNoExecute) {
				tolerated = true
				break
			}
		}
		if !tolerated {
			secs := defaultTolerationSeconds
			p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{
				Key: key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &secs,
			})
		}
	}
}

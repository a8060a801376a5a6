package protection

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// Controller names (as in kube-controller-manager's --controllers).
const (
	PVCName = "pvc-protection"
	PVName  = "pv-protection"
)

// The finalizers the controllers release.
const (
	PVCFinalizer = "kubernetes.io/pvc-protection"
	PVFinalizer  = "kubernetes.io/pv-protection"
)

// Options tune the controllers.
type Options struct {
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
}

func newQueue(opts Options) *workqueue.Queue[string] {
	var qo []workqueue.Option[string]
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	return workqueue.New[string](qo...)
}

func key(ns, name string) string { return ns + "/" + name }

func splitKey(k string) (ns, name string) {
	ns, name, _ = strings.Cut(k, "/")
	return ns, name
}

// PVCController releases claims no pod uses any more.
type PVCController struct {
	client *typed.Clientset
	claims *informers.PersistentVolumeClaimLister
	pods   *informers.PodLister
	synced []informers.Syncer
	queue  *workqueue.Queue[string]
}

// NewPVC wires the pvc-protection controller to the shared informers of f.
func NewPVC(client *typed.Clientset, f *informers.Factory, opts Options) *PVCController {
	claimInf, podInf := informers.PersistentVolumeClaims(f), informers.Pods(f)
	c := &PVCController{client: client, claims: claimInf.Lister(), pods: podInf.Lister(), queue: newQueue(opts)}
	onClaim := func(pvc *corev1.PersistentVolumeClaim) {
		if pvc.DeletionTimestamp != nil && slices.Contains(pvc.Finalizers, PVCFinalizer) {
			c.queue.Add(key(pvc.Namespace, pvc.Name))
		}
	}
	onPod := func(p *corev1.Pod) {
		for _, name := range ClaimNames(p) {
			c.queue.Add(key(p.Namespace, name))
		}
	}
	c.synced = []informers.Syncer{
		claimInf.AddEventHandler(informers.HandlerFuncs[*corev1.PersistentVolumeClaim]{
			AddFunc:    func(o *corev1.PersistentVolumeClaim, _ bool) { onClaim(o) },
			UpdateFunc: func(_, o *corev1.PersistentVolumeClaim) { onClaim(o) },
		}),
		podInf.AddEventHandler(informers.HandlerFuncs[*corev1.Pod]{
			// A pod that stops, or goes away, may release its claims.
			UpdateFunc: func(_, o *corev1.Pod) {
				if Terminated(o) {
					onPod(o)
				}
			},
			DeleteFunc: onPod,
		}),
	}
	return c
}

// Run processes claims with workers goroutines until ctx is done.
func (c *PVCController) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, PVCName, c.queue, c.synced, workers, c.sync)
}

// ClaimNames lists the claims p uses: its persistentVolumeClaim volumes and
// the claims of its generic ephemeral volumes (<pod>-<volume>).
func ClaimNames(p *corev1.Pod) []string {
	var out []string
	for _, v := range p.Spec.Volumes {
		switch {
		case v.PersistentVolumeClaim != nil:
			out = append(out, v.PersistentVolumeClaim.ClaimName)
		case v.Ephemeral != nil:
			out = append(out, p.Name+"-"+v.Name)
		}
	}
	return out
}

// Terminated reports a pod that will never run its containers again.
func Terminated(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

// usedBy reports whether a non-terminated pod among pods uses claim.
func usedBy(pods []*corev1.Pod, claim string) bool {
	for _, p := range pods {
		if !Terminated(p) && slices.Contains(ClaimNames(p), claim) {
			return true
		}
	}
	return false
}

func (c *PVCController) sync(ctx context.Context, k string) error {
	ns, name := splitKey(k)
	pvc, err := c.claims.Namespace(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if pvc.DeletionTimestamp == nil || !slices.Contains(pvc.Finalizers, PVCFinalizer) {
		return nil
	}
	cached, err := c.pods.Namespace(ns).List(everything)
	if err != nil {
		return err
	}
	if usedBy(cached, name) {
		return nil // a pod event brings the claim back
	}
	// The cache may miss a pod created a moment ago: confirm live.
	live, err := c.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list pods of %s: %w", ns, err)
	}
	pods := make([]*corev1.Pod, len(live.Items))
	for i := range live.Items {
		pods[i] = &live.Items[i]
	}
	if usedBy(pods, name) {
		return nil
	}
	cp := pvc.DeepCopy()
	cp.Finalizers = slices.DeleteFunc(cp.Finalizers, func(f string) bool { return f == PVCFinalizer })
	if _, err := c.client.CoreV1().PersistentVolumeClaims(ns).Update(ctx, cp, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("release claim %s: %w", k, err)
	}
	return nil
}

// PVController releases volumes that are no longer bound.
type PVController struct {
	client  *typed.Clientset
	volumes *informers.PersistentVolumeLister
	synced  []informers.Syncer
	queue   *workqueue.Queue[string]
}

// NewPV wires the pv-protection controller to the shared informers of f.
func NewPV(client *typed.Clientset, f *informers.Factory, opts Options) *PVController {
	inf := informers.PersistentVolumes(f)
	c := &PVController{client: client, volumes: inf.Lister(), queue: newQueue(opts)}
	on := func(pv *corev1.PersistentVolume) {
		if pv.DeletionTimestamp != nil && slices.Contains(pv.Finalizers, PVFinalizer) {
			c.queue.Add(pv.Name)
		}
	}
	c.synced = []informers.Syncer{inf.AddEventHandler(informers.HandlerFuncs[*corev1.PersistentVolume]{
		AddFunc:    func(o *corev1.PersistentVolume, _ bool) { on(o) },
		UpdateFunc: func(_, o *corev1.PersistentVolume) { on(o) },
	})}
	return c
}

// Run processes volumes with workers goroutines until ctx is done.
func (c *PVController) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, PVName, c.queue, c.synced, workers, c.sync)
}

func (c *PVController) sync(ctx context.Context, name string) error {
	pv, err := c.volumes.Get("", name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if pv.DeletionTimestamp == nil || !slices.Contains(pv.Finalizers, PVFinalizer) || pv.Status.Phase == corev1.VolumeBound {
		return nil
	}
	cp := pv.DeepCopy()
	cp.Finalizers = slices.DeleteFunc(cp.Finalizers, func(f string) bool { return f == PVFinalizer })
	if _, err := c.client.CoreV1().PersistentVolumes().Update(ctx, cp, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("release volume %s: %w", name, err)
	}
	return nil
}

var everything = labels.Everything()

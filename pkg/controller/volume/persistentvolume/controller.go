package persistentvolume

import (
	"context"
	"sync"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	"keel.dev/client/clock"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// Name is the controller's name in --controllers and in logs.
const Name = "persistentvolume-binder"

// EventSource is the component the binder's events come from, as in Kubernetes.
const EventSource = "persistentvolume-controller"

// Options tunes the binder.
type Options struct {
	// Clock supplies the time of phase transitions (default the real clock).
	Clock clock.Clock
	// Recorder receives events (optional).
	Recorder record.EventRecorder
	// ClaimMetrics and VolumeMetrics observe the two work queues (optional).
	ClaimMetrics, VolumeMetrics workqueue.Metrics
}

// Controller binds claims to volumes and releases volumes of deleted claims.
type Controller struct {
	client      *typed.Clientset
	claims      *informers.PersistentVolumeClaimLister
	volumes     *informers.PersistentVolumeLister
	classes     *informers.StorageClassLister
	nodes       *informers.NodeLister
	synced      []informers.Syncer
	claimQueue  *workqueue.Queue[string]
	volumeQueue *workqueue.Queue[string]
	clock       clock.Clock
	recorder    record.EventRecorder
}

// New wires the binder to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) *Controller {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Recorder == nil {
		opts.Recorder = record.NewFakeRecorder(0)
	}
	newQueue := func(m workqueue.Metrics) *workqueue.Queue[string] {
		qo := []workqueue.Option[string]{workqueue.WithClock[string](opts.Clock)}
		if m != nil {
			qo = append(qo, workqueue.WithMetrics[string](m))
		}
		return workqueue.New[string](qo...)
	}
	claimInf := informers.PersistentVolumeClaims(f)
	volInf := informers.PersistentVolumes(f)
	classInf := informers.StorageClasses(f)
	nodeInf := informers.Nodes(f)
	c := &Controller{
		client: client, claims: claimInf.Lister(), volumes: volInf.Lister(), classes: classInf.Lister(), nodes: nodeInf.Lister(),
		claimQueue: newQueue(opts.ClaimMetrics), volumeQueue: newQueue(opts.VolumeMetrics),
		clock: opts.Clock, recorder: opts.Recorder,
	}
	c.synced = []informers.Syncer{
		claimInf.AddEventHandler(informers.HandlerFuncs[*corev1.PersistentVolumeClaim]{
			AddFunc:    func(pvc *corev1.PersistentVolumeClaim, _ bool) { c.claimQueue.Add(claimKey(pvc)) },
			UpdateFunc: func(_, pvc *corev1.PersistentVolumeClaim) { c.claimQueue.Add(claimKey(pvc)) },
			DeleteFunc: c.claimDeleted,
		}),
		volInf.AddEventHandler(informers.HandlerFuncs[*corev1.PersistentVolume]{
			AddFunc:    func(pv *corev1.PersistentVolume, _ bool) { c.volumeChanged(pv) },
			UpdateFunc: func(_, pv *corev1.PersistentVolume) { c.volumeChanged(pv) },
			DeleteFunc: c.volumeDeleted,
		}),
		classInf.AddEventHandler(informers.HandlerFuncs[*storagev1.StorageClass]{
			AddFunc:    func(*storagev1.StorageClass, bool) { c.enqueueUnboundClaims() },
			UpdateFunc: func(_, _ *storagev1.StorageClass) { c.enqueueUnboundClaims() },
		}),
		nodeInf,
	}
	return c
}

// Run syncs claims and volumes, each with workers goroutines, until ctx is
// done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = worker.Run(ctx, Name+"-claims", c.claimQueue, c.synced, workers, c.syncClaim) })
	wg.Go(func() { errs[1] = worker.Run(ctx, Name+"-volumes", c.volumeQueue, c.synced, workers, c.syncVolume) })
	wg.Wait()
	if errs[0] != nil {
		return errs[0]
	}
	return errs[1]
}

func claimKey(pvc *corev1.PersistentVolumeClaim) string { return pvc.Namespace + "/" + pvc.Name }

// claimDeleted queues the claim's volume, which becomes Released.
func (c *Controller) claimDeleted(pvc *corev1.PersistentVolumeClaim) {
	if pvc.Spec.VolumeName != "" {
		c.volumeQueue.Add(pvc.Spec.VolumeName)
	}
	c.claimQueue.Add(claimKey(pvc))
}

// volumeChanged queues the volume, the claim it names, and, when it is
// unclaimed, every unbound claim (it may be the one they wait for).
func (c *Controller) volumeChanged(pv *corev1.PersistentVolume) {
	c.volumeQueue.Add(pv.Name)
	if ref := pv.Spec.ClaimRef; ref != nil {
		c.claimQueue.Add(ref.Namespace + "/" + ref.Name)
		return
	}
	c.enqueueUnboundClaims()
}

// volumeDeleted queues the claim bound to the volume, which becomes Lost.
func (c *Controller) volumeDeleted(pv *corev1.PersistentVolume) {
	if ref := pv.Spec.ClaimRef; ref != nil {
		c.claimQueue.Add(ref.Namespace + "/" + ref.Name)
	}
}

// enqueueUnboundClaims queues every claim not yet bound.
func (c *Controller) enqueueUnboundClaims() {
	claims, _ := c.claims.List(nil)
	for _, pvc := range claims {
		if pvc.Annotations[AnnBindCompleted] == "" {
			c.claimQueue.Add(claimKey(pvc))
		}
	}
}

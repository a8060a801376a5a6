package localprovisioner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
	pvc "keel.dev/keel/pkg/controller/volume/persistentvolume"
)

// Name is the controller's name in --controllers and in logs.
const Name = "local-path-provisioner"

// ProvisionerName is the StorageClass provisioner this controller serves.
const ProvisionerName = "keel.dev/local-path"

// DefaultRoot is the default directory volumes are created under.
const DefaultRoot = "/var/lib/keel/local-volumes"

// DefaultClassName is the name of the default StorageClass created with
// Options.CreateDefaultClass.
const DefaultClassName = "standard"

// hostnameLabel is the well-known node label provisioned volumes are pinned to.
const hostnameLabel = "kubernetes.io/hostname"

// Options tunes the provisioner.
type Options struct {
	// Root is the directory on the nodes holding the volumes (default DefaultRoot).
	Root string
	// CreateDefaultClass makes Run create the default StorageClass
	// DefaultClassName when it does not exist.
	CreateDefaultClass bool
	// Recorder receives events (optional).
	Recorder record.EventRecorder
	// ClaimMetrics and VolumeMetrics observe the two work queues (optional).
	ClaimMetrics, VolumeMetrics workqueue.Metrics
}

// Controller provisions and deletes local-path volumes.
type Controller struct {
	client      *typed.Clientset
	claims      *informers.PersistentVolumeClaimLister
	volumes     *informers.PersistentVolumeLister
	classes     *informers.StorageClassLister
	nodes       *informers.NodeLister
	synced      []informers.Syncer
	claimQueue  *workqueue.Queue[string]
	volumeQueue *workqueue.Queue[string]
	root        string
	createClass bool
	recorder    record.EventRecorder
}

// New wires the provisioner to the shared informers of f. The root must be
// an absolute path.
func New(client *typed.Clientset, f *informers.Factory, opts Options) (*Controller, error) {
	if opts.Root == "" {
		opts.Root = DefaultRoot
	}
	if !filepath.IsAbs(opts.Root) || filepath.Clean(opts.Root) == "/" {
		return nil, fmt.Errorf("local volume root %q must be an absolute path other than /", opts.Root)
	}
	if opts.Recorder == nil {
		opts.Recorder = record.NewFakeRecorder(0)
	}
	newQueue := func(m workqueue.Metrics) *workqueue.Queue[string] {
		var qo []workqueue.Option[string]
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
		root: filepath.Clean(opts.Root), createClass: opts.CreateDefaultClass, recorder: opts.Recorder,
	}
	enqueueClaim := func(claim *corev1.PersistentVolumeClaim) { c.claimQueue.Add(claim.Namespace + "/" + claim.Name) }
	c.synced = []informers.Syncer{
		claimInf.AddEventHandler(informers.HandlerFuncs[*corev1.PersistentVolumeClaim]{
			AddFunc:    func(claim *corev1.PersistentVolumeClaim, _ bool) { enqueueClaim(claim) },
			UpdateFunc: func(_, claim *corev1.PersistentVolumeClaim) { enqueueClaim(claim) },
		}),
		volInf.AddEventHandler(informers.HandlerFuncs[*corev1.PersistentVolume]{
			AddFunc:    func(pv *corev1.PersistentVolume, _ bool) { c.volumeQueue.Add(pv.Name) },
			UpdateFunc: func(_, pv *corev1.PersistentVolume) { c.volumeQueue.Add(pv.Name) },
		}),
		classInf, nodeInf,
	}
	return c, nil
}

// Run provisions and deletes volumes, each with workers goroutines, until
// ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	if c.createClass {
		go c.ensureDefaultClass(ctx)
	}
	errs := make(chan error, 2)
	go func() { errs <- worker.Run(ctx, Name+"-claims", c.claimQueue, c.synced, workers, c.syncClaim) }()
	go func() { errs <- worker.Run(ctx, Name+"-volumes", c.volumeQueue, c.synced, workers, c.syncVolume) }()
	err1, err2 := <-errs, <-errs
	if err1 != nil {
		return err1
	}
	return err2
}

// DefaultClass returns the default StorageClass of local clusters: the
// local-path provisioner, WaitForFirstConsumer binding, Delete reclaim.
func DefaultClass() *storagev1.StorageClass {
	mode := storagev1.VolumeBindingWaitForFirstConsumer
	reclaim := corev1.PersistentVolumeReclaimDelete
	return &storagev1.StorageClass{
		ObjectMeta:        metav1.ObjectMeta{Name: DefaultClassName, Annotations: map[string]string{pvc.AnnDefaultStorageClass: "true"}},
		Provisioner:       ProvisionerName,
		ReclaimPolicy:     &reclaim,
		VolumeBindingMode: &mode,
	}
}

// ensureDefaultClass creates DefaultClass, retrying until it exists or ctx ends.
func (c *Controller) ensureDefaultClass(ctx context.Context) {
	for {
		_, err := c.client.StorageV1().StorageClasses().Create(ctx, DefaultClass(), metav1.CreateOptions{})
		if err == nil || apierrors.IsAlreadyExists(err) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
}

// VolumePath returns the directory of volume pvName provisioned for the
// claim namespace/name under root.
func VolumePath(root, namespace, name, pvName string) string {
	return filepath.Join(root, namespace+"_"+name+"_"+pvName)
}

// ownedPath checks that path is a direct child of the root named for pv and
// returns it cleaned; anything else is refused.
func (c *Controller) ownedPath(pv *corev1.PersistentVolume) (string, error) {
	if pv.Spec.HostPath == nil {
		return "", fmt.Errorf("volume %q has no hostPath", pv.Name)
	}
	p := filepath.Clean(pv.Spec.HostPath.Path)
	base := filepath.Base(p)
	if filepath.Dir(p) != c.root || !strings.HasSuffix(base, "_"+pv.Name) || strings.Count(base, "_") != 2 {
		return "", fmt.Errorf("volume %q path %q is not a volume directory under %s", pv.Name, pv.Spec.HostPath.Path, c.root)
	}
	return p, nil
}

// rootIsLocal reports whether the root directory exists on this machine.
func (c *Controller) rootIsLocal() bool {
	fi, err := os.Stat(c.root)
	return err == nil && fi.IsDir()
}

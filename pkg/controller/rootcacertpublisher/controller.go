package rootcacertpublisher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/informers"
	"keel.dev/client/typed"
	"keel.dev/client/workqueue"

	"keel.dev/keel/pkg/controller/internal/worker"
)

// Name is the controller's name in --controllers.
const Name = "root-ca-certificate-publisher"

// The published ConfigMap, as Kubernetes names and describes it.
const (
	ConfigMapName         = "kube-root-ca.crt"
	DataKey               = "ca.crt"
	DescriptionAnnotation = "kubernetes.io/description"
	Description           = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. " +
		"No other usage is guaranteed across distributions of Kubernetes clusters."
)

// Options tunes the controller.
type Options struct {
	// RootCA is the PEM CA bundle to publish (required).
	RootCA []byte
	// Metrics observes the work queue (optional).
	Metrics workqueue.Metrics
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Controller keeps kube-root-ca.crt in every namespace.
type Controller struct {
	client     *typed.Clientset
	namespaces *informers.NamespaceLister
	configMaps *informers.ConfigMapLister
	synced     []informers.Syncer
	queue      *workqueue.Queue[string]
	rootCA     []byte
	log        *slog.Logger
}

// New wires the controller to the shared informers of f.
func New(client *typed.Clientset, f *informers.Factory, opts Options) (*Controller, error) {
	if len(opts.RootCA) == 0 {
		return nil, errors.New("rootcacertpublisher: no root CA to publish")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	var qo []workqueue.Option[string]
	if opts.Metrics != nil {
		qo = append(qo, workqueue.WithMetrics[string](opts.Metrics))
	}
	nsInf := informers.Namespaces(f)
	cmInf := informers.ConfigMaps(f)
	c := &Controller{
		client:     client,
		namespaces: nsInf.Lister(),
		configMaps: cmInf.Lister(),
		queue:      workqueue.New[string](qo...),
		rootCA:     append([]byte(nil), opts.RootCA...),
		log:        opts.Logger.With("controller", Name),
	}
	ours := func(cm *corev1.ConfigMap) {
		if cm.Name == ConfigMapName {
			c.queue.Add(cm.Namespace)
		}
	}
	c.synced = []informers.Syncer{
		nsInf.AddEventHandler(informers.HandlerFuncs[*corev1.Namespace]{
			AddFunc:    func(ns *corev1.Namespace, _ bool) { c.queue.Add(ns.Name) },
			UpdateFunc: func(_, ns *corev1.Namespace) { c.queue.Add(ns.Name) },
		}),
		cmInf.AddEventHandler(informers.HandlerFuncs[*corev1.ConfigMap]{
			UpdateFunc: func(_, cm *corev1.ConfigMap) { ours(cm) },
			DeleteFunc: ours,
		}),
	}
	return c, nil
}

// Run processes namespaces with workers goroutines until ctx is done.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return worker.Run(ctx, Name, c.queue, c.synced, workers, c.sync)
}

// sync makes kube-root-ca.crt of one active namespace hold the CA.
func (c *Controller) sync(ctx context.Context, name string) error {
	ns, err := c.namespaces.Get("", name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if ns.DeletionTimestamp != nil || ns.Status.Phase == corev1.NamespaceTerminating {
		return nil
	}
	cms := c.client.CoreV1().ConfigMaps(name)
	cur, err := c.configMaps.Get(name, ConfigMapName)
	if apierrors.IsNotFound(err) {
		_, err = cms.Create(ctx, c.desired(name), metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) && !isTerminating(err) {
			return fmt.Errorf("create %s/%s: %w", name, ConfigMapName, err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if c.upToDate(cur) {
		return nil
	}
	upd := cur.DeepCopy()
	upd.Data = map[string]string{DataKey: string(c.rootCA)}
	upd.BinaryData = nil
	if upd.Annotations == nil {
		upd.Annotations = map[string]string{}
	}
	upd.Annotations[DescriptionAnnotation] = Description
	if _, err := cms.Update(ctx, upd, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("update %s/%s: %w", name, ConfigMapName, err)
	}
	return nil
}

// desired is a fresh ConfigMap for namespace ns.
func (c *Controller) desired(ns string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: ConfigMapName, Namespace: ns,
			Annotations: map[string]string{DescriptionAnnotation: Description}},
		Data: map[string]string{DataKey: string(c.rootCA)},
	}
}

// upToDate reports whether cm holds exactly the CA and the description.
func (c *Controller) upToDate(cm *corev1.ConfigMap) bool {
	return len(cm.Data) == 1 && bytes.Equal([]byte(cm.Data[DataKey]), c.rootCA) && len(cm.BinaryData) == 0 &&
		cm.Annotations[DescriptionAnnotation] == Description
}

// isTerminating reports the apiserver's refusal to create in a namespace
// being deleted.
func isTerminating(err error) bool {
	var se *apierrors.StatusError
	if !errors.As(err, &se) || se.ErrStatus.Details == nil {
		return false
	}
	for _, cause := range se.ErrStatus.Details.Causes {
		if cause.Type == "NamespaceTerminating" {
			return true
		}
	}
	return false
}

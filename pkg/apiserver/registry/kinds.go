package registry

import (
	"context"
	"fmt"
	"strconv"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"

	appsv1 "keel.dev/api/apps/v1"
	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	eventsv1 "keel.dev/api/events/v1"

	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/cacher"
)

// kindConfig is what differs per resource.
type kindConfig struct {
	generation     bool
	resetStatus    bool
	createOnUpdate bool
	returnDeleted  bool
	onCreate       func(ctx context.Context, obj runtime.Object)
	onUpdate       func(ctx context.Context, obj, old runtime.Object)
	validate       generic.Validator
	filterErrors   func(field.ErrorList) field.ErrorList
	fields         func(obj runtime.Object) fields.Set
	fieldNames     []string
	indexers       map[string]cacher.IndexFunc
	graceful       func(ctx context.Context, obj runtime.Object, opts *metav1.DeleteOptions) bool
	customize      func(s *generic.Store)
	// wrap replaces the REST storage of the main resource (custom verbs).
	wrap func(s *generic.Store) rest.Storage
}

func gr(group, resource string) schema.GroupResource {
	return schema.GroupResource{Group: group, Resource: resource}
}

// generationKinds start generation at 1 and bump it on spec changes.
var generationKinds = map[schema.GroupResource]bool{
	gr("", "pods"): true, gr("", "replicationcontrollers"): true,
	gr("apps", "deployments"): true, gr("apps", "replicasets"): true, gr("apps", "statefulsets"): true,
	gr("apps", "daemonsets"): true, gr("batch", "jobs"): true, gr("batch", "cronjobs"): true,
	gr("autoscaling", "horizontalpodautoscalers"): true, gr("policy", "poddisruptionbudgets"): true,
	gr("networking.k8s.io", "networkpolicies"): true, gr("networking.k8s.io", "ingresses"): true,
	gr("networking.k8s.io", "ingressclasses"): true, gr("networking.k8s.io", "servicecidrs"): true,
	gr("storage.k8s.io", "volumeattachments"): true,
}

// keepStatusOnCreate are the kinds whose clients write status at creation.
var keepStatusOnCreate = map[schema.GroupResource]bool{
	gr("", "nodes"): true,
}

// createOnUpdate are the resources whose PUT may create, as in Kubernetes.
var createOnUpdate = map[schema.GroupResource]bool{
	gr("", "endpoints"): true, gr("", "events"): true, gr("events.k8s.io", "events"): true,
	gr("", "limitranges"): true, gr("", "serviceaccounts"): true, gr("coordination.k8s.io", "leases"): true,
	gr("rbac.authorization.k8s.io", "roles"): true, gr("rbac.authorization.k8s.io", "clusterroles"): true,
	gr("rbac.authorization.k8s.io", "rolebindings"): true, gr("rbac.authorization.k8s.io", "clusterrolebindings"): true,
}

// returnDeleted are the resources whose DELETE answers with the object.
var returnDeleted = map[schema.GroupResource]bool{
	gr("", "pods"): true, gr("", "services"): true, gr("", "namespaces"): true,
}

// kindConfigFor returns the configuration of a resource.
func kindConfigFor(b *builder, r schema.GroupResource) *kindConfig {
	k := &kindConfig{
		generation:     generationKinds[r],
		resetStatus:    !keepStatusOnCreate[r],
		returnDeleted:  returnDeleted[r],
		createOnUpdate: createOnUpdate[r],
	}
	switch r {
	case gr("", "pods"):
		podConfig(k)
	case gr("", "namespaces"):
		namespaceConfig(b, k)
	case gr("", "services"):
		b.serviceConfig(k)
	case gr("", "nodes"):
		k.fieldNames = []string{"spec.unschedulable"}
		k.fields = func(obj runtime.Object) fields.Set {
			return fields.Set{"spec.unschedulable": strconv.FormatBool(obj.(*corev1.Node).Spec.Unschedulable)}
		}
	case gr("", "secrets"):
		k.fieldNames = []string{"type"}
		k.fields = func(obj runtime.Object) fields.Set {
			return fields.Set{"type": string(obj.(*corev1.Secret).Type)}
		}
	case gr("", "events"):
		ttl := int64(b.cfg.EventTTL.Seconds())
		k.fieldNames = eventFieldNames
		k.fields = coreEventFields
		k.customize = func(s *generic.Store) { s.TTL = func(runtime.Object) int64 { return ttl } }
	case gr("events.k8s.io", "events"):
		ttl := int64(b.cfg.EventTTL.Seconds())
		k.fieldNames = eventFieldNames
		k.fields = eventsV1Fields
		k.customize = func(s *generic.Store) { s.TTL = func(runtime.Object) int64 { return ttl } }
	case gr("", "replicationcontrollers"):
		k.fieldNames = []string{"status.replicas"}
		k.fields = func(obj runtime.Object) fields.Set {
			return fields.Set{"status.replicas": strconv.Itoa(int(obj.(*corev1.ReplicationController).Status.Replicas))}
		}
	case gr("apps", "replicasets"):
		k.fieldNames = []string{"status.replicas"}
		k.fields = func(obj runtime.Object) fields.Set {
			return fields.Set{"status.replicas": strconv.Itoa(int(obj.(*appsv1.ReplicaSet).Status.Replicas))}
		}
	case gr("batch", "jobs"):
		k.fieldNames = []string{"status.successful"}
		k.fields = func(obj runtime.Object) fields.Set {
			return fields.Set{"status.successful": strconv.Itoa(int(obj.(*batchv1.Job).Status.Succeeded))}
		}
		k.onCreate = func(ctx context.Context, obj runtime.Object) {
			batchv1.PrepareJobForCreate(obj.(*batchv1.Job))
		}
	case gr("coordination.k8s.io", "leases"), gr("discovery.k8s.io", "endpointslices"), gr("", "endpoints"), gr("", "configmaps"):
		// Plain kinds: the defaults fit.
	}
	return k
}

var eventFieldNames = []string{
	"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
	"involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
	"reason", "reportingComponent", "source", "type",
}

func coreEventFields(obj runtime.Object) fields.Set {
	e := obj.(*corev1.Event)
	source := e.Source.Component
	if source == "" {
		source = e.ReportingController
	}
	return fields.Set{
		"involvedObject.kind":            e.InvolvedObject.Kind,
		"involvedObject.namespace":       e.InvolvedObject.Namespace,
		"involvedObject.name":            e.InvolvedObject.Name,
		"involvedObject.uid":             string(e.InvolvedObject.UID),
		"involvedObject.apiVersion":      e.InvolvedObject.APIVersion,
		"involvedObject.resourceVersion": e.InvolvedObject.ResourceVersion,
		"involvedObject.fieldPath":       e.InvolvedObject.FieldPath,
		"reason":                         e.Reason,
		"reportingComponent":             e.ReportingController,
		"source":                         source,
		"type":                           e.Type,
	}
}

// eventsV1Fields maps events.k8s.io events onto the core field names, as
// Kubernetes does (both are the same stored object there).
func eventsV1Fields(obj runtime.Object) fields.Set {
	e := obj.(*eventsv1.Event)
	source := e.DeprecatedSource.Component
	if source == "" {
		source = e.ReportingController
	}
	return fields.Set{
		"involvedObject.kind":            e.Regarding.Kind,
		"involvedObject.namespace":       e.Regarding.Namespace,
		"involvedObject.name":            e.Regarding.Name,
		"involvedObject.uid":             string(e.Regarding.UID),
		"involvedObject.apiVersion":      e.Regarding.APIVersion,
		"involvedObject.resourceVersion": e.Regarding.ResourceVersion,
		"involvedObject.fieldPath":       e.Regarding.FieldPath,
		"reason":                         e.Reason,
		"reportingComponent":             e.ReportingController,
		"source":                         source,
		"type":                           e.Type,
	}
}

// statusStrategy returns the strategy of a resource's status subresource.
func (b *builder) statusStrategy(r schema.GroupResource, parent *generic.Store) generic.Strategy {
	st := &generic.StatusStrategy{Strategy: parent.Strategy, Scheme: b.cfg.Scheme}
	switch r {
	case gr("", "pods"):
		st.SkipResetMeta = true
		st.OnUpdate = func(ctx context.Context, obj, old runtime.Object) {
			p, o := obj.(*corev1.Pod), old.(*corev1.Pod)
			p.DeletionTimestamp = o.DeletionTimestamp
			p.OwnerReferences = o.OwnerReferences
			p.Generation = o.Generation
		}
		st.ValidateFunc = func(obj, old runtime.Object) field.ErrorList {
			return corev1.ValidatePodStatusUpdate(obj.(*corev1.Pod), old.(*corev1.Pod))
		}
	case gr("", "nodes"):
		// The kubelet's node status writes may carry metadata.
		st.SkipResetMeta = true
	case gr("", "namespaces"):
		st.ValidateFunc = func(obj, old runtime.Object) field.ErrorList {
			return corev1.ValidateNamespaceStatusUpdate(obj.(*corev1.Namespace), old.(*corev1.Namespace))
		}
	case gr("", "services"):
		st.ValidateFunc = func(obj, old runtime.Object) field.ErrorList {
			return corev1.ValidateServiceStatusUpdate(obj.(*corev1.Service), old.(*corev1.Service))
		}
	case gr("", "persistentvolumes"):
		st.ValidateFunc = func(obj, old runtime.Object) field.ErrorList {
			return corev1.ValidatePersistentVolumeStatusUpdate(obj.(*corev1.PersistentVolume), old.(*corev1.PersistentVolume))
		}
	case gr("", "persistentvolumeclaims"):
		st.ValidateFunc = func(obj, old runtime.Object) field.ErrorList {
			return corev1.ValidatePersistentVolumeClaimStatusUpdate(obj.(*corev1.PersistentVolumeClaim), old.(*corev1.PersistentVolumeClaim))
		}
	case gr("", "resourcequotas"):
		st.ValidateFunc = func(obj, old runtime.Object) field.ErrorList {
			return corev1.ValidateResourceQuotaStatusUpdate(obj.(*corev1.ResourceQuota), old.(*corev1.ResourceQuota))
		}
	case gr("", "replicationcontrollers"):
		st.ValidateFunc = func(obj, old runtime.Object) field.ErrorList {
			return corev1.ValidateReplicationControllerStatusUpdate(obj.(*corev1.ReplicationController), old.(*corev1.ReplicationController))
		}
	}
	return st
}

// checkNamespace refuses new content in a missing or terminating namespace.
func (b *builder) checkNamespace(ctx context.Context, res schema.GroupResource, name, namespace string) error {
	nsStore := b.out.stores[gr("", "namespaces")]
	if nsStore == nil {
		return nil
	}
	if at, ok := b.terminating.Load(namespace); ok && time.Since(at.(time.Time)) < recentTermination {
		return terminatingError(res, name, namespace)
	}
	// The cached state answers almost always; a namespace too new for the
	// cache is looked up live before saying it does not exist.
	key := nsStore.KeyRoot + "/" + namespace
	obj, err := nsStore.Storage.Get(ctx, key, storage.GetOptions{ResourceVersion: "0"})
	if storage.IsNotFound(err) {
		obj, err = nsStore.Storage.Get(ctx, key, storage.GetOptions{})
	}
	if err != nil {
		if storage.IsNotFound(err) {
			return apierrors.NewNotFound(gr("", "namespaces"), namespace)
		}
		return interpret(err, gr("", "namespaces"), namespace)
	}
	if ns := obj.(*corev1.Namespace); ns.Status.Phase == corev1.NamespaceTerminating {
		return terminatingError(res, name, namespace)
	}
	return nil
}

// recentTermination bounds how long a local termination mark is trusted
// over the cache (which catches up within milliseconds).
const recentTermination = 30 * time.Second

// terminatingError is the 403 of a create in a terminating namespace.
func terminatingError(res schema.GroupResource, name, namespace string) error {
	e := apierrors.NewForbidden(res, name,
		fmt.Errorf("unable to create new content in namespace %s because it is being terminated", namespace))
	e.ErrStatus.Details.Causes = append(e.ErrStatus.Details.Causes, metav1.StatusCause{
		Type: corev1.NamespaceTerminatingCause, Message: fmt.Sprintf("namespace %s is being terminated", namespace),
		Field: "metadata.namespace"})
	return e
}

package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"

	"keel.dev/keel/pkg/apiserver/registry/allocator"
	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// Config configures NewStorages.
type Config struct {
	// Scheme knows every kind, resource, defaulter and validator.
	Scheme *runtime.Scheme
	// Codecs are the scheme's serializers.
	Codecs *serializer.CodecFactory
	// StorageFactory makes the storage of each resource.
	StorageFactory StorageFactory
	// ServiceClusterIPRange is the CIDR of Service cluster IPs; default
	// 10.96.0.0/12.
	ServiceClusterIPRange string
	// ServiceNodePortRange is the node port range; default 30000-32767.
	ServiceNodePortRange string
	// MinRequestTimeout is the apiserver's --min-request-timeout (watch
	// timeouts are the endpoints' business; kept for completeness).
	MinRequestTimeout time.Duration
	// EventTTL is how long events live; default 1h.
	EventTTL time.Duration
}

// Storages holds the REST storage of every resource and subresource.
type Storages struct {
	byGVR  map[schema.GroupVersionResource]map[string]rest.Storage
	stores map[schema.GroupResource]*generic.Store

	// ClusterIPs and NodePorts are the Service allocators.
	ClusterIPs *allocator.IPAllocator
	NodePorts  *allocator.PortAllocator
}

// For returns the storage of a resource (subresource "") or of one of its
// subresources.
func (s *Storages) For(gvr schema.GroupVersionResource, subresource string) (rest.Storage, bool) {
	subs, ok := s.byGVR[gvr]
	if !ok {
		return nil, false
	}
	st, ok := subs[subresource]
	return st, ok
}

// Store returns the generic store of a resource (for bootstrap and tests).
func (s *Storages) Store(gr schema.GroupResource) (*generic.Store, bool) {
	st, ok := s.stores[gr]
	return st, ok
}

// Resources lists every served resource with its subresources.
func (s *Storages) Resources() map[schema.GroupVersionResource][]string {
	out := make(map[schema.GroupVersionResource][]string, len(s.byGVR))
	for gvr, subs := range s.byGVR {
		for name := range subs {
			out[gvr] = append(out[gvr], name)
		}
	}
	return out
}

func (s *Storages) add(gvr schema.GroupVersionResource, sub string, st rest.Storage) {
	if s.byGVR[gvr] == nil {
		s.byGVR[gvr] = map[string]rest.Storage{}
	}
	s.byGVR[gvr][sub] = st
}

// builder carries the state of NewStorages.
type builder struct {
	// terminating remembers namespaces this server just marked Terminating,
	// so creates right after the deletion see it before the cache does.
	terminating sync.Map // name -> time.Time

	ctx     context.Context
	cfg     Config
	out     *Storages
	prefixs map[string]bool
}

// NewStorages builds the storage of every resource in cfg.Scheme.
func NewStorages(ctx context.Context, cfg Config) (*Storages, error) {
	if cfg.Scheme == nil || cfg.StorageFactory == nil {
		return nil, errors.New("registry: Scheme and StorageFactory are required")
	}
	if cfg.ServiceClusterIPRange == "" {
		cfg.ServiceClusterIPRange = "10.96.0.0/12"
	}
	if cfg.ServiceNodePortRange == "" {
		cfg.ServiceNodePortRange = "30000-32767"
	}
	if cfg.EventTTL <= 0 {
		cfg.EventTTL = time.Hour
	}
	b := &builder{ctx: ctx, cfg: cfg, prefixs: map[string]bool{},
		out: &Storages{byGVR: map[schema.GroupVersionResource]map[string]rest.Storage{},
			stores: map[schema.GroupResource]*generic.Store{}}}
	resources := cfg.Scheme.Resources()
	// Namespaces first (others check them), then IP addresses (services
	// allocate through them), then the rest.
	first := func(r runtime.ResourceInfo) int {
		switch r.GroupResource() {
		case schema.GroupResource{Resource: "namespaces"}:
			return 0
		case schema.GroupResource{Group: "networking.k8s.io", Resource: "ipaddresses"}:
			return 1
		case schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"}:
			return 2
		}
		return 3
	}
	for pass := 0; pass <= 3; pass++ {
		for _, r := range resources {
			if first(r) != pass {
				continue
			}
			if err := b.addResource(r); err != nil {
				return nil, fmt.Errorf("registry: %s: %w", r.GroupVersionResource, err)
			}
		}
		if pass == 1 {
			if err := b.initAllocators(); err != nil {
				return nil, err
			}
		}
	}
	if err := b.finishServices(); err != nil {
		return nil, err
	}
	return b.out, nil
}

// keyRoot picks the storage directory of a resource: "/<resource>" like
// Kubernetes, "/<group>/<resource>" when another group already took it.
func (b *builder) keyRoot(r runtime.ResourceInfo) string {
	root := "/" + r.Resource
	if b.prefixs[root] {
		root = "/" + r.Group + "/" + r.Resource
	}
	if b.prefixs[root] {
		root = "/" + r.Group + "/" + r.Version + "/" + r.Resource
	}
	b.prefixs[root] = true
	return root
}

// newGenericStore makes the plain store of a resource.
func (b *builder) newGenericStore(r runtime.ResourceInfo, k *kindConfig) (*generic.Store, error) {
	s := b.cfg.Scheme
	gvk := r.GroupVersionKind()
	if _, err := s.New(gvk); err != nil {
		return nil, err
	}
	listGVK := r.GroupVersion().WithKind(r.ListKind)
	if r.ListKind == "" {
		listGVK = r.GroupVersion().WithKind(r.Kind + "List")
	}
	if _, err := s.New(listGVK); err != nil {
		return nil, err
	}
	newFunc := func() runtime.Object {
		o, _ := s.New(gvk)
		o.GetObjectKind().SetGroupVersionKind(gvk)
		return o
	}
	newList := func() runtime.Object {
		o, _ := s.New(listGVK)
		o.GetObjectKind().SetGroupVersionKind(listGVK)
		return o
	}
	root := b.keyRoot(r)
	st, err := b.cfg.StorageFactory(StorageOptions{GroupResource: r.GroupResource(), ResourcePrefix: root,
		NewFunc: newFunc, NewListFunc: newList, Indexers: k.indexers})
	if err != nil {
		return nil, err
	}
	strategy := &generic.BasicStrategy{
		Scheme:              s,
		Namespaced:          r.Namespaced,
		SetGeneration:       k.generation,
		ResetStatusOnCreate: k.resetStatus,
		KeepStatusOnUpdate:  hasSub(r, "status"),
		CreateOnUpdate:      k.createOnUpdate,
		UnconditionalUpdate: true,
		OnCreate:            k.onCreate,
		OnUpdate:            k.onUpdate,
		ExtraValidate:       k.validate,
		FilterErrors:        k.filterErrors,
		FieldsFunc:          k.fields,
		GracefulDelete:      k.graceful,
	}
	var indexed []string
	for name := range k.indexers {
		indexed = append(indexed, name)
	}
	store := &generic.Store{
		Resource:            r.GroupResource(),
		Kind:                gvk,
		NewFunc:             newFunc,
		NewListFunc:         newList,
		KeyRoot:             root,
		Storage:             st,
		Strategy:            strategy,
		SupportedFields:     k.fieldNames,
		IndexedFields:       indexed,
		ReturnDeletedObject: k.returnDeleted,
	}
	if r.Namespaced {
		store.CheckNamespace = b.checkNamespace
	}
	return store, nil
}

func hasSub(r runtime.ResourceInfo, name string) bool {
	for _, s := range r.Subresources {
		if s.Name == name {
			return true
		}
	}
	return false
}

// addResource registers the storages of one resource.
func (b *builder) addResource(r runtime.ResourceInfo) error {
	gr := r.GroupResource()
	if special, ok := b.specialResource(r); ok {
		if special != nil {
			b.out.add(r.GroupVersionResource, "", special)
		}
		return nil
	}
	k := kindConfigFor(b, gr)
	store, err := b.newGenericStore(r, k)
	if err != nil {
		return err
	}
	if k.customize != nil {
		k.customize(store)
	}
	b.out.stores[gr] = store
	var main rest.Storage = store
	if k.wrap != nil {
		main = k.wrap(store)
	}
	b.out.add(r.GroupVersionResource, "", main)
	for _, sub := range r.Subresources {
		st, err := b.subresource(r, store, sub)
		if err != nil {
			return fmt.Errorf("subresource %s: %w", sub.Name, err)
		}
		if st != nil {
			b.out.add(r.GroupVersionResource, sub.Name, st)
		}
	}
	return nil
}

// subresource builds one subresource storage; nil leaves it to another
// layer (connect and proxy subresources are served by the endpoints).
func (b *builder) subresource(r runtime.ResourceInfo, parent *generic.Store, sub runtime.SubresourceInfo) (rest.Storage, error) {
	gr := r.GroupResource()
	switch sub.Name {
	case "status":
		return generic.NewSubresourceStore(parent, sub.Name, b.statusStrategy(gr, parent)), nil
	case "scale":
		return newScaleStore(parent, b.cfg.Scheme)
	case "binding":
		return &bindingStore{pods: parent}, nil
	case "eviction":
		return &evictionStore{pods: parent, pdbs: b.out.stores[schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"}]}, nil
	case "ephemeralcontainers":
		return generic.NewSubresourceStore(parent, sub.Name, ephemeralContainersStrategy(b.cfg.Scheme, parent)), nil
	case "finalize":
		return generic.NewSubresourceStore(parent, sub.Name, namespaceFinalizeStrategy(b.cfg.Scheme, parent)), nil
	case "token":
		// The apiserver serves it with its token signer (pkg/apiserver/
		// serviceaccount) in front of this placeholder.
		return &unavailableCreater{newFunc: newOf(b.cfg.Scheme, sub.Kind),
			msg: "serviceaccounts/token is not available: the apiserver has no service account signing key"}, nil
	case "log", "exec", "attach", "portforward", "proxy":
		// Served by the endpoints layer (503 until the kubelet exists).
		return nil, nil
	case "resize":
		// In-place pod resize needs the kubelet's resize machinery.
		return nil, nil
	}
	return nil, fmt.Errorf("unknown subresource %q of %s", sub.Name, strings.TrimPrefix(gr.String(), "."))
}

// newOf returns a constructor of gvk.
func newOf(s *runtime.Scheme, gvk schema.GroupVersionKind) func() runtime.Object {
	return func() runtime.Object {
		o, err := s.New(gvk)
		if err != nil {
			return nil
		}
		o.GetObjectKind().SetGroupVersionKind(gvk)
		return o
	}
}

// interpret is generic.InterpretStorageError.
func interpret(err error, gr schema.GroupResource, name string) error {
	return generic.InterpretStorageError(err, gr, name)
}

package endpoints

import (
	"context"
	"net/http"
	"reflect"
	"sync"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"

	"keel.dev/keel/pkg/apiserver/fieldmanager"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/request"
)

// StorageProvider finds the storage of a resource or, with a non-empty
// subresource, of one of its subresources.
type StorageProvider interface {
	For(gvr schema.GroupVersionResource, subresource string) (rest.Storage, bool)
}

// Connector returns the handler that serves a kubelet-backed subresource
// request (pods/log, pods/exec, pods/attach, pods/portforward, pods/proxy,
// nodes/proxy, services/proxy) for obj, the pod, node or service the request
// names, as read from its storage. A nil handler with a nil error means no
// connection is available (503).
type Connector func(ctx context.Context, info *request.Info, obj runtime.Object) (http.Handler, error)

// Config holds what the resource handler serves and how.
type Config struct {
	// Scheme knows every kind and resource.
	Scheme *runtime.Scheme
	// Codecs encode and decode bodies.
	Codecs *serializer.CodecFactory
	// Storages give the rest storage of each resource and subresource.
	Storages StorageProvider
	// Tables gives the Table convertor of a resource; nil (or a nil result)
	// falls back to the storage when it converts tables, else to a
	// Name/Created At table.
	Tables func(schema.GroupResource) rest.TableConvertor
	// Enabled reports whether a group version is served; nil serves all.
	Enabled func(schema.GroupVersion) bool
	// MinRequestTimeout bounds watches without timeoutSeconds: each gets a
	// random duration in [MinRequestTimeout, 2*MinRequestTimeout); 0 means 1800s.
	MinRequestTimeout time.Duration
	// MaxRequestBodyBytes caps request bodies (413 beyond); 0 means 3 MiB.
	MaxRequestBodyBytes int64
	// Connector serves the kubelet-backed subresources; nil answers 503 for
	// pods on a node.
	Connector Connector
	// Now is the clock of managedFields timestamps (time.Now when nil).
	Now func() time.Time
}

// DefaultMaxRequestBodyBytes is Kubernetes' request body limit.
const DefaultMaxRequestBodyBytes = 3 * 1024 * 1024

// handler serves resource requests.
type handler struct {
	cfg      Config
	managers sync.Map // schema.GroupVersionKind → *fieldmanager.Manager
}

// New returns the handler of every resource request the scheme and the
// storages know.
func New(cfg Config) http.Handler {
	if cfg.Codecs == nil {
		cfg.Codecs = serializer.NewCodecFactory(cfg.Scheme)
	}
	if cfg.MinRequestTimeout <= 0 {
		cfg.MinRequestTimeout = 1800 * time.Second
	}
	if cfg.MaxRequestBodyBytes <= 0 {
		cfg.MaxRequestBodyBytes = DefaultMaxRequestBodyBytes
	}
	return &handler{cfg: cfg}
}

// scope is everything known about one resource request.
type scope struct {
	h    *handler
	info *request.Info
	res  runtime.ResourceInfo
	// sub is the subresource, nil for the resource itself.
	sub *runtime.SubresourceInfo
	gvr schema.GroupVersionResource
	gr  schema.GroupResource
	// kind is the kind the storage takes and returns.
	kind schema.GroupVersionKind
	// namespace is the request namespace for namespaced resources, else "".
	namespace string
	storage   rest.Storage
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	info, ok := request.InfoFrom(r.Context())
	if !ok {
		parsed, err := request.Parse(r)
		if err != nil {
			writeError(w, apierrors.NewBadRequest(err.Error()))
			return
		}
		info = parsed
		r = r.WithContext(request.WithInfo(r.Context(), info))
	}
	if !info.IsResourceRequest {
		writeError(w, errNotFound())
		return
	}
	s, err := h.scopeFor(info)
	if err != nil {
		writeError(w, err)
		return
	}
	if s.sub != nil && connectSubresources[s.sub.Name] {
		s.serveConnect(w, r)
		return
	}
	if !s.allows(info.Verb) {
		writeError(w, errMethodNotAllowed())
		return
	}
	r = r.WithContext(rest.WithNamespace(r.Context(), s.namespace))
	switch info.Verb {
	case "get":
		s.get(w, r)
	case "list":
		s.list(w, r)
	case "watch":
		s.watch(w, r)
	case "create":
		s.create(w, r)
	case "update":
		s.update(w, r)
	case "patch":
		s.patch(w, r)
	case "delete":
		s.delete(w, r)
	case "deletecollection":
		s.deleteCollection(w, r)
	default:
		writeError(w, errMethodNotAllowed())
	}
}

// scopeFor resolves the request's resource, subresource and storage.
func (h *handler) scopeFor(info *request.Info) (*scope, error) {
	gv := schema.GroupVersion{Group: info.APIGroup, Version: info.APIVersion}
	if h.cfg.Enabled != nil && !h.cfg.Enabled(gv) {
		return nil, errNotFound()
	}
	gvr := gv.WithResource(info.Resource)
	res, ok := h.cfg.Scheme.Resource(gvr)
	if !ok {
		return nil, errNotFound()
	}
	s := &scope{h: h, info: info, res: res, gvr: gvr, gr: gvr.GroupResource(), kind: res.GroupVersionKind()}
	if res.Namespaced {
		s.namespace = info.Namespace
		if info.Namespace == "" && info.Name != "" {
			return nil, errNotFound() // /api/v1/pods/NAME is no path
		}
	} else if info.Namespace != "" && info.Resource != "namespaces" {
		return nil, errNotFound() // a cluster-scoped resource under /namespaces/NS
	}
	subName := ""
	if info.Subresource != "" {
		for i := range res.Subresources {
			if res.Subresources[i].Name == info.Subresource {
				s.sub = &res.Subresources[i]
			}
		}
		if s.sub == nil {
			return nil, errNotFound()
		}
		subName = s.sub.Name
		if !s.sub.Kind.Empty() {
			s.kind = s.sub.Kind
		}
		if connectSubresources[subName] {
			return s, nil
		}
	}
	if h.cfg.Storages == nil {
		return nil, errNotFound()
	}
	st, ok := h.cfg.Storages.For(gvr, subName)
	if !ok || st == nil {
		return nil, errNotFound()
	}
	s.storage = st
	return s, nil
}

// manager returns the field manager of the kind of obj.
func (h *handler) manager(gvk schema.GroupVersionKind, obj runtime.Object) *fieldmanager.Manager {
	if m, ok := h.managers.Load(gvk); ok {
		return m.(*fieldmanager.Manager)
	}
	m := &fieldmanager.Manager{Type: reflect.TypeOf(obj).Elem(), APIVersion: gvk.GroupVersion().String(), Now: h.cfg.Now}
	actual, _ := h.managers.LoadOrStore(gvk, m)
	return actual.(*fieldmanager.Manager)
}

// objectMeta returns obj's metadata accessor.
func objectMeta(obj runtime.Object) (metav1.Object, bool) {
	m, ok := obj.(metav1.Object)
	return m, ok
}

// allows reports whether discovery lists the verb for the resource or
// subresource (namespaces, for one, serve no deletecollection).
func (s *scope) allows(verb string) bool {
	verbs := s.res.Verbs
	if s.sub != nil {
		verbs = s.sub.Verbs
	}
	if verbs == nil {
		return true
	}
	for _, v := range verbs {
		if v == verb {
			return true
		}
	}
	return false
}

// ownKind reports whether the scope's storage takes the resource's own kind
// (false for scale, eviction, binding, token…).
func (s *scope) ownKind() bool {
	return s.kind == s.res.GroupVersionKind()
}

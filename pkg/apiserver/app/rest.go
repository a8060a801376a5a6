package app

import (
	"context"
	"fmt"
	"net/http"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	authorizationv1 "keel.dev/api/authorization/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"
	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/bootstrap"
	"keel.dev/keel/pkg/apiserver/discovery"
	"keel.dev/keel/pkg/apiserver/endpoints"
	"keel.dev/keel/pkg/apiserver/metrics"
	"keel.dev/keel/pkg/apiserver/printers"
	"keel.dev/keel/pkg/apiserver/registry"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/server"
	"keel.dev/keel/pkg/apiserver/storage/cacher"
)

// apiConfig is what the REST side of the server is built from.
type apiConfig struct {
	cfg     *Config
	scheme  *runtime.Scheme
	codecs  *serializer.CodecFactory
	etcd    *clientv3.Client
	enabled discovery.Enabled
	port    int
	certs   *server.Certificates
	sa      *serviceAccounts // nil: no service account tokens
	// tokenReviews serves authentication.k8s.io/v1 tokenreviews.
	tokenReviews rest.Storage
	// authorizer answers authorization.k8s.io/v1 access reviews.
	authorizer authz.Authorizer
}

// restAPI is the REST side of the server: the handler of resource requests,
// the bootstrap that needs the storages, and their release.
type restAPI struct {
	handler   http.Handler
	bootstrap func(context.Context) error
	close     func()
	// storages are the registry's storages (the RBAC policy reads them).
	storages *registry.Storages
}

// newAPI builds the storages of every resource over etcd (each behind a
// watch cache), the REST handler over them with the printers' Tables, and
// the bootstrap of the system objects.
func newAPI(ctx context.Context, a apiConfig) (*restAPI, error) {
	c := a.cfg
	factory, closer, err := registry.NewEtcdStorageFactory(ctx, registry.EtcdConfig{
		Client: a.etcd,
		Prefix: c.EtcdPrefix,
		Codecs: a.codecs,
		Observe: func(op string, seconds float64) {
			metrics.ObserveEtcdRequest(op, "", time.Duration(seconds*float64(time.Second)))
		},
		CacherConfig: cacher.Config{MaxEvents: c.WatchCacheEvents, Logger: c.Logger},
	})
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	storages, err := registry.NewStorages(ctx, registry.Config{
		Scheme:                a.scheme,
		Codecs:                a.codecs,
		StorageFactory:        factory,
		ServiceClusterIPRange: c.ServiceClusterIPRange,
		ServiceNodePortRange:  c.ServiceNodePortRange,
		MinRequestTimeout:     c.MinRequestTimeout,
	})
	if err != nil {
		_ = closer.Close()
		return nil, err
	}
	if err := installAdmission(storages, c); err != nil {
		_ = closer.Close()
		return nil, err
	}
	kubelet := kubeletTransport(a.certs, c.KubeletClientCertificate, c.KubeletClientKey)
	served, err := metricsStorages(storages, kubelet, c.Logger)
	if err != nil {
		_ = closer.Close()
		return nil, err
	}
	served = a.sa.withStorages(served, storages)
	if a.tokenReviews != nil {
		served = withStorage{StorageProvider: served, gvr: tokenReviewsGVR, storage: a.tokenReviews}
	}
	if a.authorizer != nil {
		sar, lsar, ssar := authz.NewAccessReviews(a.authorizer)
		for _, st := range []struct {
			resource string
			storage  rest.Storage
		}{{"subjectaccessreviews", sar}, {"localsubjectaccessreviews", lsar}, {"selfsubjectaccessreviews", ssar},
			{"selfsubjectrulesreviews", authz.NewRulesReview(a.authorizer)}} {
			served = withStorage{StorageProvider: served, gvr: authorizationv1.SchemeGroupVersion.WithResource(st.resource), storage: st.storage}
		}
	}
	tables := printers.New()
	handler := endpoints.New(endpoints.Config{
		Scheme:              a.scheme,
		Codecs:              a.codecs,
		Storages:            served,
		Tables:              tables.For,
		Enabled:             func(gv schema.GroupVersion) bool { return a.enabled.Has(gv) },
		MinRequestTimeout:   c.MinRequestTimeout,
		MaxRequestBodyBytes: c.MaxRequestBodyBytes,
		Connector:           kubeletConnector(storages, kubelet),
	})
	handler = nodeProxy(handler, storages, kubelet)
	serviceIP, err := server.FirstServiceIP(c.ServiceClusterIPRange)
	if err != nil {
		_ = closer.Close()
		return nil, err
	}
	boot := bootstrap.Config{Storages: storages, ServiceIP: serviceIP, AdvertiseAddress: c.AdvertiseAddress, SecurePort: a.port}
	return &restAPI{
		handler:   handler,
		bootstrap: func(ctx context.Context) error { return bootstrap.Run(ctx, boot) },
		close:     func() { _ = closer.Close() },
		storages:  storages,
	}, nil
}

var tokenReviewsGVR = schema.GroupVersionResource{Group: "authentication.k8s.io", Version: "v1", Resource: "tokenreviews"}

// withStorage serves one resource from storage and the rest from the
// embedded provider.
type withStorage struct {
	endpoints.StorageProvider
	gvr     schema.GroupVersionResource
	storage rest.Storage
}

// For implements endpoints.StorageProvider.
func (p withStorage) For(gvr schema.GroupVersionResource, subresource string) (rest.Storage, bool) {
	if gvr == p.gvr && subresource == "" {
		return p.storage, true
	}
	return p.StorageProvider.For(gvr, subresource)
}

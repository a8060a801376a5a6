// Package registry builds the REST storage of every resource the scheme
// serves: a generic.Store per resource over a storage.Interface from the
// StorageFactory, the status/scale/binding/eviction/finalize subresources,
// and the kind logic Kubernetes' registries carry (namespace lifecycle,
// Service IP and port allocation, pod graceful deletion, event TTL).
//
//	factory, closer, _ := registry.NewEtcdStorageFactory(ctx, registry.EtcdConfig{Client: cli, Prefix: "/registry", Codecs: codecs})
//	storages, _ := registry.NewStorages(ctx, registry.Config{Scheme: scheme, Codecs: codecs, StorageFactory: factory,
//		ServiceClusterIPRange: "10.96.0.0/12", ServiceNodePortRange: "30000-32767"})
//	st, ok := storages.For(corev1.SchemeGroupVersion.WithResource("pods"), "status")
package registry

// Package storage defines the apiserver's persistence contract: Interface,
// the options of its calls, the Codec that turns objects into stored bytes,
// selection predicates, continue tokens and the typed errors the REST layer
// maps to Status codes.
//
// Implementations live in subpackages: etcd3 (etcd v3 through its client),
// cacher (a watch cache in front of etcd3) and embedetcd (an in-process etcd
// server). Nothing outside this tree imports the etcd client.
//
// Keys are paths relative to the store's prefix, e.g. "/pods/default/web-1";
// a collection is named by its directory ("/pods/default") with
// ListOptions.Recursive set. resourceVersion is the etcd revision, written in
// decimal.
//
// Wiring, per apiserver:
//
//	srv, _ := embedetcd.Start(ctx, embedetcd.Config{DataDir: dir}) // or an external cluster
//	cli, _ := etcd3.NewClient(ctx, etcd3.ClientConfig{Endpoints: srv.Endpoints()})
//	go etcd3.NewCompactor(cli, 0).Run(ctx)
//
// and per resource:
//
//	pods, _ := etcd3.New(etcd3.Config{Client: cli, Codec: codec, NewFunc: newPod, Prefix: "/registry"})
//	cache, _ := cacher.New(cacher.Config{Storage: pods, ResourcePrefix: "/pods",
//		Indexers: map[string]cacher.IndexFunc{"spec.nodeName": podNodeName}})
//	go cache.Run(ctx) // cache is the storage.Interface the REST layer uses
//
// Error mapping for the REST layer: ErrKeyNotFound 404, ErrKeyExists 409
// AlreadyExists, ErrResourceVersionConflicts 409 Conflict, ErrExpired 410
// Gone (Expired), ErrTooLargeResourceVersion 504 with cause
// ResourceVersionTooLarge, ErrInvalidArgument 400, ErrUnreachable 503,
// ErrInvalidObj 500. Watch errors arrive as watch.Error events whose object
// is the *StorageError (EventError extracts it); convert it to a Status
// before writing the stream.
package storage

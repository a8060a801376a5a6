package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"

	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/cacher"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
)

// StorageOptions describe the storage of one resource.
type StorageOptions struct {
	// GroupResource names the resource.
	GroupResource schema.GroupResource
	// ResourcePrefix is the key directory of the resource, e.g. "/pods".
	ResourcePrefix string
	// NewFunc and NewListFunc return empty objects of the kind and its list.
	NewFunc     func() runtime.Object
	NewListFunc func() runtime.Object
	// Indexers name index functions a cache may keep (e.g. pods by
	// "spec.nodeName"); storage.Predicate.IndexHints refer to them.
	Indexers map[string]cacher.IndexFunc
}

// StorageFactory returns the storage of one resource.
type StorageFactory func(opts StorageOptions) (storage.Interface, error)

// EtcdConfig configures NewEtcdStorageFactory.
type EtcdConfig struct {
	// Client is the etcd client (etcd3.NewClient); it is not closed.
	Client *clientv3.Client
	// Prefix is prepended to every key; default "/registry".
	Prefix string
	// Codecs provide the protobuf serializer used for stored bytes.
	Codecs *serializer.CodecFactory
	// Codec overrides the stored encoding (tests); default protobuf.
	Codec storage.Codec
	// DisableCache serves every call from etcd directly.
	DisableCache bool
	// Observe receives etcd latencies per operation (metrics).
	Observe func(op string, elapsed float64)
	// CacherConfig tunes every watch cache (Storage, ResourcePrefix and
	// Indexers are set per resource).
	CacherConfig cacher.Config
}

// NewEtcdStorageFactory returns a StorageFactory of etcd3 stores, each behind
// a watch cache run until ctx ends or the closer is closed.
func NewEtcdStorageFactory(ctx context.Context, cfg EtcdConfig) (StorageFactory, io.Closer, error) {
	if cfg.Client == nil {
		return nil, nil, errors.New("registry: etcd client is required")
	}
	codec := cfg.Codec
	if codec == nil {
		if cfg.Codecs == nil {
			return nil, nil, errors.New("registry: Codecs or Codec is required")
		}
		c, err := NewStorageCodec(cfg.Codecs)
		if err != nil {
			return nil, nil, err
		}
		codec = c
	}
	ctx, cancel := context.WithCancel(ctx)
	cl := &closer{cancel: cancel}
	factory := func(opts StorageOptions) (storage.Interface, error) {
		ecfg := etcd3.Config{Client: cfg.Client, Codec: codec, NewFunc: opts.NewFunc, Prefix: cfg.Prefix}
		if cfg.Observe != nil {
			ecfg.Observe = func(op string, d time.Duration) { cfg.Observe(op, d.Seconds()) }
		}
		store, err := etcd3.New(ecfg)
		if err != nil {
			return nil, fmt.Errorf("storage of %s: %w", opts.GroupResource, err)
		}
		if cfg.DisableCache {
			return store, nil
		}
		ccfg := cfg.CacherConfig
		ccfg.Storage, ccfg.ResourcePrefix, ccfg.Indexers = store, opts.ResourcePrefix, opts.Indexers
		c, err := cacher.New(ccfg)
		if err != nil {
			return nil, fmt.Errorf("watch cache of %s: %w", opts.GroupResource, err)
		}
		cl.wg.Add(1)
		go func() {
			defer cl.wg.Done()
			c.Run(ctx)
		}()
		return c, nil
	}
	return factory, cl, nil
}

type closer struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Close stops the watch caches and waits for them.
func (c *closer) Close() error {
	c.cancel()
	c.wg.Wait()
	return nil
}

// storageCodec stores objects in Kubernetes' protobuf envelope.
type storageCodec struct {
	s runtime.Serializer
}

// NewStorageCodec returns the storage.Codec writing the protobuf form of
// codecs' scheme.
func NewStorageCodec(codecs *serializer.CodecFactory) (storage.Codec, error) {
	info, ok := codecs.SerializerForMediaType(runtime.ContentTypeProtobuf)
	if !ok {
		return nil, errors.New("registry: no protobuf serializer")
	}
	return storageCodec{s: info.Serializer}, nil
}

func (c storageCodec) Encode(obj runtime.Object) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.s.Encode(obj, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (c storageCodec) Decode(data []byte, into runtime.Object) error {
	_, _, err := c.s.Decode(data, nil, into)
	return err
}

package etcd3

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/apiserver/storage"
)

// Config configures a Store for one resource.
type Config struct {
	// Client is the etcd client; the Store does not close it.
	Client *clientv3.Client
	// Codec encodes and decodes the stored objects.
	Codec storage.Codec
	// NewFunc returns a new empty object of the stored kind.
	NewFunc func() runtime.Object
	// Prefix is prepended to every key; default "/registry".
	Prefix string
	// Observe, when set, receives the latency of every etcd call by
	// operation ("get", "list", "create", "update", "delete", "count").
	Observe func(op string, elapsed time.Duration)
}

// Store is a storage.Interface over etcd. Objects it returns are decoded per
// call and owned by the caller.
type Store struct {
	client  *clientv3.Client
	codec   storage.Codec
	newFunc func() runtime.Object
	prefix  string
	observe func(string, time.Duration)
	leases  *leaseManager
}

var _ storage.Interface = (*Store)(nil)

// New returns a Store.
func New(cfg Config) (*Store, error) {
	if cfg.Client == nil || cfg.Codec == nil || cfg.NewFunc == nil {
		return nil, errors.New("etcd3 store: Client, Codec and NewFunc are required")
	}
	prefix := cfg.Prefix
	if prefix == "" {
		prefix = "/registry"
	}
	prefix = "/" + strings.Trim(prefix, "/")
	return &Store{
		client:  cfg.Client,
		codec:   cfg.Codec,
		newFunc: cfg.NewFunc,
		prefix:  prefix,
		observe: cfg.Observe,
		leases:  newLeaseManager(cfg.Client),
	}, nil
}

// Client returns the etcd client.
func (s *Store) Client() *clientv3.Client { return s.client }

// PathPrefix returns the prefix prepended to keys.
func (s *Store) PathPrefix() string { return s.prefix }

// NewFunc returns the constructor of the stored kind.
func (s *Store) NewFunc() func() runtime.Object { return s.newFunc }

// Codec returns the stored objects' codec.
func (s *Store) Codec() storage.Codec { return s.codec }

// FullKey returns the etcd key of a storage key: the prefix joined with key,
// with a trailing slash when dir is set.
func (s *Store) FullKey(key string, dir bool) (string, error) {
	if key == "" || !strings.HasPrefix(key, "/") {
		key = "/" + key
	}
	if path.Clean(key) != key && path.Clean(key)+"/" != key {
		return "", storage.NewError(storage.ErrCodeInvalidArgument, key, 0, "key is not a clean path")
	}
	full := s.prefix + strings.TrimSuffix(key, "/")
	if dir {
		full += "/"
	}
	return full, nil
}

func (s *Store) since(op string, start time.Time) {
	if s.observe != nil {
		s.observe(op, time.Since(start))
	}
}

// decode turns stored bytes into an object carrying resourceVersion rev.
func (s *Store) decode(key string, data []byte, rev int64) (runtime.Object, error) {
	obj := s.newFunc()
	if err := s.codec.Decode(data, obj); err != nil {
		return nil, &storage.StorageError{Code: storage.ErrCodeInvalidObj, Key: key, Err: err}
	}
	if err := storage.SetResourceVersion(obj, uint64(rev)); err != nil {
		return nil, &storage.StorageError{Code: storage.ErrCodeInvalidObj, Key: key, Err: err}
	}
	return obj, nil
}

// encode serializes obj without its resourceVersion, which lives in etcd's
// mod revision; obj is left with an empty resourceVersion.
func (s *Store) encode(obj runtime.Object) ([]byte, error) {
	m, err := storage.Accessor(obj)
	if err != nil {
		return nil, err
	}
	m.SetResourceVersion("")
	data, err := s.codec.Encode(obj)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", obj, err)
	}
	return data, nil
}

// Create implements storage.Interface.
func (s *Store) Create(ctx context.Context, key string, obj runtime.Object, opts storage.CreateOptions) (runtime.Object, error) {
	full, err := s.FullKey(key, false)
	if err != nil {
		return nil, err
	}
	m, err := storage.Accessor(obj)
	if err != nil {
		return nil, err
	}
	if m.GetResourceVersion() != "" {
		return nil, storage.NewError(storage.ErrCodeInvalidArgument, key, 0, "resourceVersion should not be set on objects to be created")
	}
	data, err := s.codec.Encode(obj)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", obj, err)
	}
	var putOpts []clientv3.OpOption
	if opts.TTL > 0 {
		id, err := s.leases.lease(ctx, opts.TTL)
		if err != nil {
			return nil, err
		}
		putOpts = append(putOpts, clientv3.WithLease(id))
	}
	defer s.since("create", time.Now())
	resp, err := s.client.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(full), "=", 0)).
		Then(clientv3.OpPut(full, string(data), putOpts...)).
		Commit()
	if err != nil {
		return nil, interpret(key, err)
	}
	if !resp.Succeeded {
		return nil, storage.NewError(storage.ErrCodeKeyExists, key, 0, "")
	}
	m.SetResourceVersion(storage.FormatResourceVersion(uint64(resp.Header.Revision)))
	return obj, nil
}

// Get implements storage.Interface.
func (s *Store) Get(ctx context.Context, key string, opts storage.GetOptions) (runtime.Object, error) {
	full, err := s.FullKey(key, false)
	if err != nil {
		return nil, err
	}
	minRV, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := s.client.Get(ctx, full)
	s.since("get", start)
	if err != nil {
		return nil, interpret(key, err)
	}
	if err := checkMinimumRV(key, minRV, resp.Header.Revision); err != nil {
		return nil, err
	}
	if len(resp.Kvs) == 0 {
		if opts.IgnoreNotFound {
			return s.newFunc(), nil
		}
		return nil, storage.NewError(storage.ErrCodeKeyNotFound, key, 0, "")
	}
	kv := resp.Kvs[0]
	return s.decode(key, kv.Value, kv.ModRevision)
}

// Delete implements storage.Interface.
func (s *Store) Delete(ctx context.Context, key string, opts storage.DeleteOptions) (runtime.Object, error) {
	full, err := s.FullKey(key, false)
	if err != nil {
		return nil, err
	}
	defer s.since("delete", time.Now())
	var cur runtime.Object
	var curRev int64
	fromCache := false
	if opts.CachedExisting != nil {
		rv, err := storage.ObjectResourceVersion(opts.CachedExisting)
		if err == nil && rv > 0 {
			cur, curRev, fromCache = opts.CachedExisting, int64(rv), true
		}
	}
	if cur == nil {
		if cur, curRev, err = s.read(ctx, key, full); err != nil {
			return nil, err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		err := storage.CheckPreconditions(key, opts.Preconditions, cur)
		if err == nil && opts.Validate != nil {
			err = opts.Validate(cur)
		}
		if err != nil {
			if fromCache {
				// A stale cached copy may be why; decide on the stored one.
				if cur, curRev, err = s.read(ctx, key, full); err != nil {
					return nil, err
				}
				fromCache = false
				continue
			}
			return nil, err
		}
		resp, err := s.client.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(full), "=", curRev)).
			Then(clientv3.OpDelete(full)).
			Else(clientv3.OpGet(full)).
			Commit()
		if err != nil {
			return nil, interpret(key, err)
		}
		if !resp.Succeeded {
			kvs := resp.Responses[0].GetResponseRange().Kvs
			if len(kvs) == 0 {
				return nil, storage.NewError(storage.ErrCodeKeyNotFound, key, 0, "")
			}
			if cur, err = s.decode(key, kvs[0].Value, kvs[0].ModRevision); err != nil {
				return nil, err
			}
			curRev, fromCache = kvs[0].ModRevision, false
			continue
		}
		if fromCache {
			cur = cur.DeepCopyObject()
		}
		if err := storage.SetResourceVersion(cur, uint64(resp.Header.Revision)); err != nil {
			return nil, err
		}
		return cur, nil
	}
}

// read fetches and decodes the current object at full.
func (s *Store) read(ctx context.Context, key, full string) (runtime.Object, int64, error) {
	resp, err := s.client.Get(ctx, full)
	if err != nil {
		return nil, 0, interpret(key, err)
	}
	if len(resp.Kvs) == 0 {
		return nil, 0, storage.NewError(storage.ErrCodeKeyNotFound, key, 0, "")
	}
	kv := resp.Kvs[0]
	obj, err := s.decode(key, kv.Value, kv.ModRevision)
	return obj, kv.ModRevision, err
}

// Count implements storage.Interface.
func (s *Store) Count(ctx context.Context, key string) (int64, error) {
	full, err := s.FullKey(key, true)
	if err != nil {
		return 0, err
	}
	defer s.since("count", time.Now())
	resp, err := s.client.Get(ctx, full, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		return 0, interpret(key, err)
	}
	return resp.Count, nil
}

// CurrentRevision returns etcd's current revision through a quorum read.
func (s *Store) CurrentRevision(ctx context.Context) (int64, error) {
	resp, err := s.client.Get(ctx, s.prefix+"/", clientv3.WithCountOnly(), clientv3.WithLimit(1))
	if err != nil {
		return 0, interpret("", err)
	}
	return resp.Header.Revision, nil
}

// CheckRevision reports whether etcd can still be read at rev: ErrExpired
// when it was compacted, ErrTooLargeResourceVersion when it is in the future.
func (s *Store) CheckRevision(ctx context.Context, rev int64) error {
	_, err := s.client.Get(ctx, s.prefix+"/", clientv3.WithRev(rev), clientv3.WithCountOnly(), clientv3.WithLimit(1))
	if err != nil {
		return interpret("", err)
	}
	return nil
}

// checkMinimumRV fails with ErrTooLargeResourceVersion when the storage has
// not reached minRV yet.
func checkMinimumRV(key string, minRV uint64, current int64) error {
	if minRV > uint64(current) {
		return storage.NewError(storage.ErrCodeTooLargeResourceVersion, key, current,
			fmt.Sprintf("Too large resource version: %d, current: %d", minRV, current))
	}
	return nil
}

// interpret maps etcd client errors to storage errors.
func interpret(key string, err error) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, rpctypes.ErrCompacted), errors.Is(err, rpctypes.ErrGRPCCompacted):
		return &storage.StorageError{Code: storage.ErrCodeExpired, Key: key, Err: err,
			Detail: "the requested resource version has been compacted"}
	case errors.Is(err, rpctypes.ErrFutureRev), errors.Is(err, rpctypes.ErrGRPCFutureRev):
		return &storage.StorageError{Code: storage.ErrCodeTooLargeResourceVersion, Key: key, Err: err}
	case errors.Is(err, rpctypes.ErrNoLeader), errors.Is(err, rpctypes.ErrGRPCNoLeader),
		errors.Is(err, rpctypes.ErrTimeout), errors.Is(err, rpctypes.ErrGRPCTimeout):
		return &storage.StorageError{Code: storage.ErrCodeUnreachable, Key: key, Err: err}
	}
	return fmt.Errorf("etcd request for %q: %w", key, err)
}

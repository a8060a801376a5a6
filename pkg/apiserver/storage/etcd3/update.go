package etcd3

import (
	"bytes"
	"context"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/apiserver/storage"
)

// objState is what an update attempt starts from.
type objState struct {
	obj       runtime.Object // owned by the update loop
	data      []byte         // stored bytes (without resourceVersion)
	rev       int64          // mod revision; 0 when absent
	exists    bool
	fromCache bool // obj came from opts.CachedExisting and may be stale
}

// GuaranteedUpdate implements storage.Interface.
func (s *Store) GuaranteedUpdate(ctx context.Context, key string, opts storage.UpdateOptions, tryUpdate storage.UpdateFunc) (runtime.Object, error) {
	full, err := s.FullKey(key, false)
	if err != nil {
		return nil, err
	}
	defer s.since("update", time.Now())
	var st *objState
	if opts.CachedExisting != nil {
		st, err = s.stateFromCached(opts.CachedExisting)
	}
	if st == nil || err != nil {
		if st, err = s.readState(ctx, key, full, opts.IgnoreNotFound); err != nil {
			return nil, err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// refresh re-reads the stored object when a stale cached copy may
		// explain a failure.
		refresh := func(cause error) error {
			if !st.fromCache {
				return cause
			}
			st, err = s.readState(ctx, key, full, opts.IgnoreNotFound)
			return err
		}
		if st.exists {
			if err := storage.CheckPreconditions(key, opts.Preconditions, st.obj); err != nil {
				if err := refresh(err); err != nil {
					return nil, err
				}
				continue
			}
		}
		updated, err := tryUpdate(st.obj)
		if err != nil {
			if err := refresh(err); err != nil {
				return nil, err
			}
			continue
		}
		data, err := s.encode(updated)
		if err != nil {
			return nil, err
		}
		if st.exists && bytes.Equal(data, st.data) {
			if st.fromCache {
				// Confirm against the stored object before skipping the write.
				if err := refresh(nil); err != nil {
					return nil, err
				}
				continue
			}
			// Nothing changed: no write, the current version stands.
			if err := storage.SetResourceVersion(updated, uint64(st.rev)); err != nil {
				return nil, err
			}
			return updated, nil
		}
		resp, err := s.client.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(full), "=", st.rev)).
			Then(clientv3.OpPut(full, string(data))).
			Else(clientv3.OpGet(full)).
			Commit()
		if err != nil {
			return nil, interpret(key, err)
		}
		if !resp.Succeeded {
			kvs := resp.Responses[0].GetResponseRange().Kvs
			if st, err = s.stateFromKVs(key, kvs, opts.IgnoreNotFound); err != nil {
				return nil, err
			}
			continue
		}
		if err := storage.SetResourceVersion(updated, uint64(resp.Header.Revision)); err != nil {
			return nil, err
		}
		return updated, nil
	}
}

// stateFromCached starts from a private copy of a cached object.
func (s *Store) stateFromCached(cached runtime.Object) (*objState, error) {
	rv, err := storage.ObjectResourceVersion(cached)
	if err != nil || rv == 0 {
		return nil, err
	}
	obj := cached.DeepCopyObject()
	data, err := s.encode(obj)
	if err != nil {
		return nil, err
	}
	if err := storage.SetResourceVersion(obj, rv); err != nil {
		return nil, err
	}
	return &objState{obj: obj, data: data, rev: int64(rv), exists: true, fromCache: true}, nil
}

func (s *Store) readState(ctx context.Context, key, full string, ignoreNotFound bool) (*objState, error) {
	resp, err := s.client.Get(ctx, full)
	if err != nil {
		return nil, interpret(key, err)
	}
	return s.stateFromKVs(key, resp.Kvs, ignoreNotFound)
}

func (s *Store) stateFromKVs(key string, kvs []*mvccpb.KeyValue, ignoreNotFound bool) (*objState, error) {
	if len(kvs) == 0 {
		if !ignoreNotFound {
			return nil, storage.NewError(storage.ErrCodeKeyNotFound, key, 0, "")
		}
		return &objState{obj: s.newFunc()}, nil
	}
	kv := kvs[0]
	obj, err := s.decode(key, kv.Value, kv.ModRevision)
	if err != nil {
		return nil, err
	}
	return &objState{obj: obj, data: kv.Value, rev: kv.ModRevision, exists: true}, nil
}

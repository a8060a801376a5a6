package etcd3

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	kruntime "keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/apiserver/storage"
)

const (
	// maxBatch caps the keys fetched by one range request of a list.
	maxBatch = 10000
	// parallelDecodeMin is the batch size from which decoding is spread
	// over all CPUs.
	parallelDecodeMin = 256
)

// GetList implements storage.Interface.
func (s *Store) GetList(ctx context.Context, key string, opts storage.ListOptions) (*storage.ListResult, error) {
	if !opts.Recursive {
		return s.getSingleAsList(ctx, key, opts)
	}
	prefix, err := s.FullKey(key, true)
	if err != nil {
		return nil, err
	}
	rv, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	startKey := prefix
	var readRev int64 // 0: latest
	var minRV uint64
	switch {
	case opts.Continue != "":
		if rv != 0 {
			return nil, storage.NewError(storage.ErrCodeInvalidArgument, key, 0,
				"specifying resource version is not allowed when using continue")
		}
		start, crv, err := storage.DecodeContinue(opts.Continue, prefix)
		if err != nil {
			return nil, err
		}
		startKey, readRev = start, crv
	case opts.ResourceVersionMatch == metav1.ResourceVersionMatchExact:
		if rv == 0 {
			return nil, storage.NewError(storage.ErrCodeInvalidArgument, key, 0,
				"resourceVersionMatch=Exact needs a non-zero resourceVersion")
		}
		readRev = int64(rv)
	case opts.ResourceVersionMatch == "" && opts.Limit > 0 && rv > 0:
		readRev = int64(rv)
	default:
		minRV = rv
	}
	defer s.since("list", time.Now())
	res, err := s.listRange(ctx, key, prefix, startKey, readRev, opts)
	if err != nil {
		if storage.IsExpired(err) && opts.Continue != "" {
			return nil, storage.NewError(storage.ErrCodeExpired, key, readRev, storage.ExpiredContinueMessage)
		}
		return nil, err
	}
	if err := checkMinimumRV(key, minRV, int64(res.ResourceVersion)); err != nil {
		return nil, err
	}
	return res, nil
}

// listRange reads [startKey, end of prefix) at readRev (0: latest), in
// batches, filtering by the predicate until the limit is reached.
func (s *Store) listRange(ctx context.Context, key, prefix, startKey string, readRev int64, opts storage.ListOptions) (*storage.ListResult, error) {
	end := clientv3.GetPrefixRangeEnd(prefix)
	limit := opts.Limit
	batch := int64(maxBatch)
	if limit > 0 && limit < batch {
		batch = limit
	}
	res := &storage.ListResult{}
	for {
		getOpts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(batch)}
		if readRev > 0 {
			getOpts = append(getOpts, clientv3.WithRev(readRev))
		}
		resp, err := s.client.Get(ctx, startKey, getOpts...)
		if err != nil {
			return nil, interpret(key, err)
		}
		if readRev == 0 {
			readRev = resp.Header.Revision
		}
		res.ResourceVersion = uint64(readRev)
		objs, err := s.decodeAll(key, resp.Kvs)
		if err != nil {
			return nil, err
		}
		for i, obj := range objs {
			if !opts.Predicate.Matches(obj) {
				continue
			}
			res.Items = append(res.Items, obj)
			if limit > 0 && int64(len(res.Items)) == limit {
				more := i < len(objs)-1 || resp.More
				if more {
					tok, err := storage.EncodeContinue(string(resp.Kvs[i].Key), prefix, readRev)
					if err != nil {
						return nil, err
					}
					res.Continue = tok
					if opts.Predicate.Empty() {
						remaining := resp.Count - int64(i+1)
						res.RemainingItemCount = &remaining
					}
				}
				return res, nil
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return res, nil
		}
		startKey = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
		if limit > 0 && batch < maxBatch {
			// A selective predicate: fetch more at a time.
			batch = min(batch*2, maxBatch)
		}
	}
}

func (s *Store) getSingleAsList(ctx context.Context, key string, opts storage.ListOptions) (*storage.ListResult, error) {
	full, err := s.FullKey(key, false)
	if err != nil {
		return nil, err
	}
	rv, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	var getOpts []clientv3.OpOption
	exact := opts.ResourceVersionMatch == metav1.ResourceVersionMatchExact ||
		(opts.ResourceVersionMatch == "" && opts.Limit > 0 && rv > 0)
	if exact && rv > 0 {
		getOpts = append(getOpts, clientv3.WithRev(int64(rv)))
	}
	defer s.since("list", time.Now())
	resp, err := s.client.Get(ctx, full, getOpts...)
	if err != nil {
		return nil, interpret(key, err)
	}
	res := &storage.ListResult{ResourceVersion: uint64(resp.Header.Revision)}
	if exact && rv > 0 {
		res.ResourceVersion = rv
	} else if err := checkMinimumRV(key, rv, resp.Header.Revision); err != nil {
		return nil, err
	}
	if len(resp.Kvs) > 0 {
		obj, err := s.decode(key, resp.Kvs[0].Value, resp.Kvs[0].ModRevision)
		if err != nil {
			return nil, err
		}
		if opts.Predicate.Matches(obj) {
			res.Items = append(res.Items, obj)
		}
	}
	return res, nil
}

// decodeAll decodes kvs in order, spreading large batches over the CPUs.
func (s *Store) decodeAll(key string, kvs []*mvccpb.KeyValue) ([]kruntime.Object, error) {
	out := make([]kruntime.Object, len(kvs))
	workers := runtime.GOMAXPROCS(0)
	if len(kvs) < parallelDecodeMin || workers < 2 {
		for i, kv := range kvs {
			obj, err := s.decode(string(kv.Key), kv.Value, kv.ModRevision)
			if err != nil {
				return nil, err
			}
			out[i] = obj
		}
		return out, nil
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	chunk := (len(kvs) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(kvs))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func(w, lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				obj, err := s.decode(string(kvs[i].Key), kvs[i].Value, kvs[i].ModRevision)
				if err != nil {
					errs[w] = err
					return
				}
				out[i] = obj
			}
		}(w, lo, hi)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// KeyedList is a full listing with the storage key of every object.
type KeyedList struct {
	Keys     []string
	Items    []kruntime.Object
	Revision uint64
}

// ListAll reads every object under the directory key at one revision, with
// their storage keys (the watch cache's initial load).
func (s *Store) ListAll(ctx context.Context, key string) (*KeyedList, error) {
	prefix, err := s.FullKey(key, true)
	if err != nil {
		return nil, err
	}
	defer s.since("list", time.Now())
	end := clientv3.GetPrefixRangeEnd(prefix)
	out := &KeyedList{}
	start, rev := prefix, int64(0)
	for {
		opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(maxBatch)}
		if rev > 0 {
			opts = append(opts, clientv3.WithRev(rev))
		}
		resp, err := s.client.Get(ctx, start, opts...)
		if err != nil {
			return nil, interpret(key, err)
		}
		if rev == 0 {
			rev = resp.Header.Revision
		}
		objs, err := s.decodeAll(key, resp.Kvs)
		if err != nil {
			return nil, err
		}
		for i, kv := range resp.Kvs {
			out.Keys = append(out.Keys, strings.TrimPrefix(string(kv.Key), s.prefix))
			out.Items = append(out.Items, objs[i])
		}
		if !resp.More || len(resp.Kvs) == 0 {
			out.Revision = uint64(rev)
			return out, nil
		}
		start = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
}

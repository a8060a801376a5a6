package resourcequota

import (
	"context"
	"errors"
	"fmt"
	"sync"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/storage"
)

// committer groups the charges of one quota that arrive while a write of
// that quota is in flight, and writes them together: concurrent creates
// in a namespace with a quota cost one optimistic update per batch rather
// than one each (and far fewer conflicts).
type committer struct {
	mu sync.Mutex
	// open is the batch collecting charges per quota key.
	open map[string]*batch
	// locks serialize the writes of one quota key.
	locks map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

// batch is a group of charges written together.
type batch struct {
	items []*pending
	done  chan struct{}
}

// pending is one request's charge and, once the batch is written, its
// outcome.
type pending struct {
	a   *admission.Attributes
	c   charge
	err error
}

// errNothingAdmitted stops a batch update in which every charge failed.
var errNothingAdmitted = errors.New("no charge admitted")

// charge adds c.requested to the quota's status.used, re-checking against
// the stored state so concurrent requests cannot overrun it.
func (p *Plugin) charge(ctx context.Context, a *admission.Attributes, c charge) error {
	cm := &p.commits
	key := a.Namespace + "/" + c.name
	me := &pending{a: a, c: c}
	cm.mu.Lock()
	b, joined := cm.open[key]
	if !joined {
		b = &batch{done: make(chan struct{})}
		cm.open[key] = b
	}
	b.items = append(b.items, me)
	lock := cm.locks[key]
	if !joined {
		if lock == nil {
			lock = &keyLock{}
			cm.locks[key] = lock
		}
		lock.refs++
	}
	cm.mu.Unlock()
	if joined {
		<-b.done
		return me.err
	}
	// The first charge of a batch leads it: once the previous write of the
	// quota is done, it closes the batch and writes every charge in it.
	lock.mu.Lock()
	cm.mu.Lock()
	delete(cm.open, key)
	items := b.items
	cm.mu.Unlock()
	p.write(ctx, a.Namespace, c.name, items)
	lock.mu.Unlock()
	cm.mu.Lock()
	if lock.refs--; lock.refs == 0 {
		delete(cm.locks, key)
	}
	cm.mu.Unlock()
	close(b.done)
	return me.err
}

// write applies a batch of charges to one quota in one optimistic update;
// each charge is checked against the usage including the charges before
// it, and fails alone when it would exceed the quota.
func (p *Plugin) write(ctx context.Context, ns, name string, items []*pending) {
	errs := make([]error, len(items))
	_, err := p.quotas.Update(ctx, ns, name, func(cur runtime.Object) (runtime.Object, error) {
		q, ok := cur.(*corev1.ResourceQuota)
		if !ok {
			return nil, fmt.Errorf("unexpected %T in quota storage", cur)
		}
		hard := hardOf(q)
		used := q.Status.Used.DeepCopy()
		admitted := 0
		for i, it := range items {
			u := merged(used, it.c.live)
			if errs[i] = exceeded(it.a, q.Name, hard, u, it.c.requested); errs[i] != nil {
				continue
			}
			for n, v := range it.c.requested {
				sum := u[n]
				sum.Add(v)
				u[n] = sum
			}
			used = u
			admitted++
		}
		if admitted == 0 {
			return nil, errNothingAdmitted
		}
		if len(q.Status.Hard) == 0 {
			q.Status.Hard = hard.DeepCopy()
		}
		q.Status.Used = used
		return q, nil
	})
	switch {
	case err == nil || errors.Is(err, errNothingAdmitted):
		for i, it := range items {
			it.err = errs[i]
		}
		return
	case storage.IsNotFound(err):
		// The quota went away meanwhile: nothing left to enforce.
		return
	}
	var se *apierrors.StatusError
	if !errors.As(err, &se) {
		err = generic.InterpretStorageError(err, quotasGR, name)
	}
	for _, it := range items {
		it.err = err
	}
}

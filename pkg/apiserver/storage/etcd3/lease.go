package etcd3

import (
	"context"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// leaseReuse is how much longer than asked an object with a TTL may live:
// writes within this window share one lease, saving a grant per write.
const leaseReuse = 60 * time.Second

// leaseManager hands out etcd leases for TTL writes, reusing recent ones.
type leaseManager struct {
	client *clientv3.Client
	mu     sync.Mutex
	id     clientv3.LeaseID
	expiry time.Time
}

func newLeaseManager(c *clientv3.Client) *leaseManager { return &leaseManager{client: c} }

// lease returns a lease that expires between ttl and ttl+leaseReuse seconds
// from now.
func (l *leaseManager) lease(ctx context.Context, ttl int64) (clientv3.LeaseID, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	want := time.Now().Add(time.Duration(ttl) * time.Second)
	if l.id != 0 && !l.expiry.Before(want) && l.expiry.Sub(want) <= leaseReuse {
		return l.id, nil
	}
	resp, err := l.client.Grant(ctx, ttl+int64(leaseReuse/time.Second))
	if err != nil {
		return 0, interpret("", err)
	}
	l.id = resp.ID
	l.expiry = want.Add(leaseReuse)
	return l.id, nil
}

package replicaset

import (
	"context"
	"errors"
	"fmt"
	"sync"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/informers"

	"keel.dev/keel/pkg/controller/internal/worker"
	"keel.dev/keel/pkg/controller/ownerref"
)

// sync reconciles the owner stored under key.
func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name := informers.SplitKey(key)
	rs, err := c.src.get(ns, name)
	if apierrors.IsNotFound(err) {
		c.expectations.Forget(key)
		return nil
	}
	if err != nil {
		return errorf(key, err)
	}
	selector, err := metav1.LabelSelectorAsSelector(rs.Spec.Selector)
	if err != nil {
		return nil // invalid selectors are rejected by validation; nothing to do
	}
	needsScale := c.expectations.Satisfied(key)

	all, err := c.pods.Lister().Namespace(ns).List(nil)
	if err != nil {
		return errorf(key, err)
	}
	pods, err := c.claimPods(ctx, rs, selector, activePods(all))
	if err != nil {
		return errorf(key, err)
	}

	var manageErr error
	if needsScale && rs.DeletionTimestamp == nil {
		manageErr = c.manageReplicas(ctx, key, rs, pods)
	}
	status := c.computeStatus(rs, pods, manageErr)
	if err := c.writeStatus(ctx, rs, status); err != nil {
		return errorf(key, err)
	}
	if manageErr == nil && rs.Spec.MinReadySeconds > 0 &&
		status.ReadyReplicas == replicasOf(rs) && status.AvailableReplicas != replicasOf(rs) {
		c.queue.AddAfter(key, secs(rs.Spec.MinReadySeconds))
	}
	if manageErr != nil {
		return errorf(key, manageErr)
	}
	return nil
}

// replicasOf returns spec.replicas with the default of one.
func replicasOf(rs *appsv1.ReplicaSet) int32 {
	if rs.Spec.Replicas == nil {
		return 1
	}
	return *rs.Spec.Replicas
}

// activePods drops terminal and terminating pods.
func activePods(pods []*corev1.Pod) []*corev1.Pod {
	out := make([]*corev1.Pod, 0, len(pods))
	for _, p := range pods {
		if p.DeletionTimestamp == nil && !corev1.IsPodTerminal(p) {
			out = append(out, p)
		}
	}
	return out
}

// claimPods returns the pods rs owns after adopting matching orphans and
// releasing owned pods that no longer match.
func (c *Controller) claimPods(ctx context.Context, rs *appsv1.ReplicaSet, sel labels.Selector, pods []*corev1.Pod) ([]*corev1.Pod, error) {
	cl := ownerref.Claimer[*corev1.Pod]{
		Owner: rs, Kind: c.src.kind(), Selector: sel,
		Recheck: func(ctx context.Context) (metav1.Object, error) { return c.src.fresh(ctx, rs.Namespace, rs.Name) },
		Patch: func(ctx context.Context, p *corev1.Pod, patch []byte) (*corev1.Pod, error) {
			return c.cs.CoreV1().Pods(p.Namespace).Patch(ctx, p.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
		},
	}
	return cl.Claim(ctx, pods)
}

// manageReplicas creates or deletes pods so that len(pods) approaches the
// desired count, at most c.burst per call.
func (c *Controller) manageReplicas(ctx context.Context, key string, rs *appsv1.ReplicaSet, pods []*corev1.Pod) error {
	diff := len(pods) - int(replicasOf(rs))
	switch {
	case diff < 0:
		n := min(-diff, c.burst)
		c.expectations.Expect(key, n, 0)
		created, err := slowStart(n, 1, func() error { return c.createPod(ctx, rs) })
		// Creations never attempted will never be observed.
		for range n - created {
			c.expectations.Observe(key, -1, 0)
		}
		if worker.NamespaceTerminating(err) {
			// The first refusal stopped the batches; nothing to report or retry.
			return nil
		}
		return err
	case diff > 0:
		n := min(diff, c.burst)
		victims := append([]*corev1.Pod(nil), pods...)
		deletionOrder(victims)
		victims = victims[:n]
		keys := make([]string, len(victims))
		for i, p := range victims {
			keys[i] = informers.KeyOf(p)
		}
		c.expectations.ExpectDeletionsOf(key, keys)
		var wg sync.WaitGroup
		errs := make([]error, len(victims))
		for i, p := range victims {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := c.cs.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{})
				if err != nil {
					c.expectations.ObserveDeletionOf(key, keys[i])
					if apierrors.IsNotFound(err) {
						return
					}
					c.recorder.Eventf(c.src.eventObject(rs), corev1.EventTypeWarning, "FailedDelete", "Error deleting: %v", err)
					errs[i] = fmt.Errorf("delete pod %s: %w", p.Name, err)
					return
				}
				c.recorder.Eventf(c.src.eventObject(rs), corev1.EventTypeNormal, "SuccessfulDelete", "Deleted pod: %s", p.Name)
			}()
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	return nil
}

// slowStart calls fn n times in batches of initial, 2*initial, 4*initial…
// (each batch in parallel), stopping after the first batch with an error.
// It returns how many calls were attempted (successful or not) and the
// errors joined.
func slowStart(n, initial int, fn func() error) (int, error) {
	attempted := 0
	for batch := min(initial, n); attempted < n; batch = min(2*batch, n-attempted) {
		var wg sync.WaitGroup
		errs := make([]error, batch)
		for i := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = fn()
			}()
		}
		wg.Wait()
		attempted += batch
		if err := errors.Join(errs...); err != nil {
			return attempted, err
		}
	}
	return attempted, nil
}

// createPod creates one pod from rs's template; an error lowers the
// creation expectation since no add event will arrive.
func (c *Controller) createPod(ctx context.Context, rs *appsv1.ReplicaSet) error {
	key := informers.KeyOf(rs)
	pod := podFromTemplate(rs, c.src.kind())
	created, err := c.cs.CoreV1().Pods(rs.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		c.expectations.Observe(key, -1, 0)
		if worker.NamespaceTerminating(err) {
			return fmt.Errorf("create pod: %w", err) // stops the slow start, without an event
		}
		c.recorder.Eventf(c.src.eventObject(rs), corev1.EventTypeWarning, "FailedCreate", "Error creating: %v", err)
		return fmt.Errorf("create pod: %w", err)
	}
	c.recorder.Eventf(c.src.eventObject(rs), corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: %s", created.Name)
	return nil
}

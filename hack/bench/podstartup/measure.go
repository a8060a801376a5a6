package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/client/typed"
)

// podTimes are the moments one pod passed its milestones, on the client clock.
type podTimes struct {
	sent    time.Time // create request sent
	created time.Time // creationTimestamp (second precision)
	bound   time.Time // first watch event with spec.nodeName
	ready   time.Time // first watch event Running and Ready
}

type result struct {
	pods  int
	wall  time.Duration
	times map[string]*podTimes
}

// measure creates the pods in a fresh namespace and watches them start.
func measure(ctx context.Context, cs *typed.Clientset, o options) (*result, error) {
	ns := fmt.Sprintf("podstartup-%d", time.Now().UnixNano()%1e9)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		return nil, fmt.Errorf("create namespace: %w", err)
	}
	if !o.keep {
		defer deleteNamespace(cs, ns)
	}
	if err := waitServiceAccount(ctx, cs, ns); err != nil {
		return nil, err
	}
	list, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	wi, err := cs.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		return nil, fmt.Errorf("watch pods: %w", err)
	}
	defer wi.Stop()

	res := &result{pods: o.pods, times: map[string]*podTimes{}}
	var mu sync.Mutex
	for i := 0; i < o.pods; i++ {
		res.times[fmt.Sprintf("pod-%d", i)] = &podTimes{}
	}
	// the watch is read from the start, so arrival times are not delayed
	// by the creation requests.
	watchDone := make(chan error, 1)
	go func() { watchDone <- watchReady(ctx, wi, res, &mu) }()
	start := time.Now()
	errs := make(chan error, o.pods)
	var wg sync.WaitGroup
	for i := 0; i < o.pods; i++ {
		name := fmt.Sprintf("pod-%d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			pod := benchPod(ns, name, o.image, o.hostNetwork)
			mu.Lock()
			res.times[name].sent = time.Now()
			mu.Unlock()
			if _, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
				errs <- fmt.Errorf("create %s: %w", name, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	if err := <-watchDone; err != nil {
		return nil, err
	}
	res.wall = time.Since(start)
	return res, nil
}

// watchReady records when each pod was seen bound and Running+Ready, until
// all are ready.
func watchReady(ctx context.Context, wi watch.Interface, res *result, mu *sync.Mutex) error {
	ready := 0
	for ready < res.pods {
		var ev watch.Event
		var ok bool
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d pods Running and Ready: %w", ready, res.pods, ctx.Err())
		case ev, ok = <-wi.ResultChan():
		}
		if !ok {
			return fmt.Errorf("watch ended with %d of %d pods ready", ready, res.pods)
		}
		now := time.Now()
		p, isPod := ev.Object.(*corev1.Pod)
		if !isPod {
			continue
		}
		mu.Lock()
		t := res.times[p.Name]
		if t == nil {
			mu.Unlock()
			continue
		}
		if t.created.IsZero() {
			t.created = p.CreationTimestamp.Time
		}
		if t.bound.IsZero() && p.Spec.NodeName != "" {
			t.bound = now
		}
		if t.ready.IsZero() && p.Status.Phase == corev1.PodRunning && corev1.IsPodReady(p) {
			t.ready = now
			ready++
		}
		mu.Unlock()
		if p.Status.Phase == corev1.PodFailed {
			return fmt.Errorf("pod %s failed: %s %s", p.Name, p.Status.Reason, p.Status.Message)
		}
	}
	return nil
}

func benchPod(ns, name, image string, hostNetwork bool) *corev1.Pod {
	grace := int64(0)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app": "podstartup"}},
		Spec: corev1.PodSpec{
			TerminationGracePeriodSeconds: &grace,
			HostNetwork:                   hostNetwork,
			Containers: []corev1.Container{{
				Name: "sleep", Image: image, Command: []string{"sleep", "3600"}, ImagePullPolicy: corev1.PullIfNotPresent,
			}},
		},
	}
}

// waitServiceAccount waits for the namespace's default ServiceAccount,
// which pod admission needs.
func waitServiceAccount(ctx context.Context, cs *typed.Clientset, ns string) error {
	for {
		_, err := cs.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		if err == nil {
			return nil
		}
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("default service account: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the default service account: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// deleteNamespace deletes the namespace and waits (bounded) for it to go.
func deleteNamespace(cs *typed.Clientset, ns string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil {
		fmt.Printf("podstartup: delete namespace %s: %v\n", ns, err)
		return
	}
	for ctx.Err() == nil {
		if _, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); apierrors.IsNotFound(err) {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	fmt.Printf("podstartup: namespace %s still terminating after 2m\n", ns)
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

func (r *result) print(w io.Writer) {
	var total, sched, kubelet, fromCreation []time.Duration
	for _, t := range r.times {
		total = append(total, t.ready.Sub(t.sent))
		sched = append(sched, t.bound.Sub(t.sent))
		kubelet = append(kubelet, t.ready.Sub(t.bound))
		fromCreation = append(fromCreation, t.ready.Sub(t.created))
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%8.1fms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "pod startup: %d pods created at once, all Running and Ready after %s\n", r.pods, r.wall.Round(time.Millisecond))
	fmt.Fprintf(w, "%-44s %10s %10s %10s %10s\n", "latency", "p50", "p90", "p99", "max")
	for _, row := range []struct {
		name string
		ds   []time.Duration
	}{
		{"create sent -> Running+Ready (watch event)", total},
		{"  create sent -> bound (scheduling)", sched},
		{"  bound -> Running+Ready (kubelet)", kubelet},
		{"creationTimestamp (1 s precision) -> Ready", fromCreation},
	} {
		fmt.Fprintf(w, "%-44s %s %s %s %s\n", row.name, ms(percentile(row.ds, 0.50)), ms(percentile(row.ds, 0.90)),
			ms(percentile(row.ds, 0.99)), ms(percentile(row.ds, 1)))
	}
}

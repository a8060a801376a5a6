package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// The workload.
const (
	nodes          = 200
	pods           = 5000
	creators       = 32
	listRuns       = 20
	pageSize       = 500
	watchPods      = 1000
	targetPodTotal = 11000
)

// runPhases runs the workload and fills res.
func runPhases(ctx context.Context, c *client, srv *apiserver, res *results) error {
	for _, ns := range []string{"bench", "watch-serial", "watch-parallel", "fill"} {
		if _, err := c.create(ctx, "/api/v1/namespaces", namespace(ns)); err != nil {
			return err
		}
	}
	if _, _, err := parallel(ctx, nodes, creators, func(i int) (time.Duration, error) {
		return c.create(ctx, "/api/v1/nodes", node(i))
	}); err != nil {
		return fmt.Errorf("create nodes: %w", err)
	}

	lat, wall, err := parallel(ctx, pods, creators, func(i int) (time.Duration, error) {
		return c.create(ctx, "/api/v1/namespaces/bench/pods", pod("bench", fmt.Sprintf("pod-%05d", i), i))
	})
	if err != nil {
		return fmt.Errorf("create pods: %w", err)
	}
	res.add("create 5,000 pods, 32 clients", fmt.Sprintf("%.0f pods/s", float64(pods)/wall.Seconds()), lat)

	for _, l := range []struct{ name, query string }{
		{"LIST 5,000 pods, full (consistent)", ""},
		{"LIST 5,000 pods, resourceVersion=0", "?resourceVersion=0"},
		{"LIST 5,000 pods, pages of 500", fmt.Sprintf("?limit=%d", pageSize)},
	} {
		lat, err := listTimes(ctx, c, "/api/v1/namespaces/bench/pods", l.query)
		if err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
		res.add(l.name, fmt.Sprintf("%d runs", listRuns), lat)
	}

	lat, err = watchDelay(ctx, c, "watch-serial", 1)
	if err != nil {
		return fmt.Errorf("watch delay, one creator: %w", err)
	}
	res.add("watch delay, 1,000 pods one at a time", "POST sent → event read", lat)
	lat, err = watchDelay(ctx, c, "watch-parallel", creators)
	if err != nil {
		return fmt.Errorf("watch delay, 32 creators: %w", err)
	}
	res.add("watch delay, 1,000 pods by 32 creators", "POST sent → event read", lat)

	fill := targetPodTotal - pods - 2*watchPods
	if _, _, err := parallel(ctx, fill, creators, func(i int) (time.Duration, error) {
		return c.create(ctx, "/api/v1/namespaces/fill/pods", pod("fill", fmt.Sprintf("pod-%05d", i), i))
	}); err != nil {
		return fmt.Errorf("fill to %d pods: %w", targetPodTotal, err)
	}
	rss, hwm, err := srv.rss()
	if err != nil {
		return err
	}
	res.rss = fmt.Sprintf("RSS after %d pods + %d nodes: %d MiB (peak %d MiB)", targetPodTotal, nodes, rss>>20, hwm>>20)
	return nil
}

// parallel runs fn(0..n-1) on workers goroutines; it returns every
// latency and the wall time, or the first error.
func parallel(ctx context.Context, n, workers int, fn func(i int) (time.Duration, error)) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				d, err := fn(i)
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				lat[i] = d
			}
		}()
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return lat, time.Since(start), firstErr
}

// listTimes lists path listRuns times (following continue tokens when the
// query pages) and checks every run saw all the pods.
func listTimes(ctx context.Context, c *client, path, query string) ([]time.Duration, error) {
	var lat []time.Duration
	for run := 0; run < listRuns; run++ {
		var total time.Duration
		items, q := 0, query
		for {
			body, d, err := c.get(ctx, path+q)
			if err != nil {
				return nil, err
			}
			total += d
			cont, n, err := c.listPage(body)
			if err != nil {
				return nil, err
			}
			items += n
			if cont == "" || query == "" || query == "?resourceVersion=0" {
				break
			}
			q = fmt.Sprintf("?limit=%d&continue=%s", pageSize, url.QueryEscape(cont))
		}
		if items != pods {
			return nil, fmt.Errorf("list returned %d pods, want %d", items, pods)
		}
		lat = append(lat, total)
	}
	return lat, nil
}

// watchDelay watches namespace ns, creates watchPods pods there with the
// given number of creators and returns, per pod, the time from sending its
// POST to reading its ADDED event.
func watchDelay(ctx context.Context, c *client, ns string, workers int) ([]time.Duration, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	body, _, err := c.get(ctx, "/api/v1/namespaces/"+ns+"/pods")
	if err != nil {
		return nil, err
	}
	rv, err := listResourceVersion(c, body)
	if err != nil {
		return nil, err
	}
	ready := make(chan error, 1)
	events := make(chan named, watchPods)
	go c.watchEvents(ctx, "/api/v1/namespaces/"+ns+"/pods?watch=1&resourceVersion="+rv, ready, events)
	if err := <-ready; err != nil {
		return nil, err
	}
	var mu sync.Mutex
	sent := make(map[string]time.Time, watchPods)
	createErr := make(chan error, 1)
	go func() {
		_, _, err := parallel(ctx, watchPods, workers, func(i int) (time.Duration, error) {
			name := fmt.Sprintf("pod-%05d", i)
			mu.Lock()
			sent[name] = time.Now()
			mu.Unlock()
			return c.create(ctx, "/api/v1/namespaces/"+ns+"/pods", pod(ns, name, i))
		})
		createErr <- err
	}()
	var lat []time.Duration
	timeout := time.After(60 * time.Second)
	for len(lat) < watchPods {
		select {
		case ev := <-events:
			mu.Lock()
			t, ok := sent[ev.name]
			mu.Unlock()
			if ok {
				lat = append(lat, ev.at.Sub(t))
			}
		case err := <-createErr:
			if err != nil {
				return nil, err
			}
			createErr = nil
		case <-timeout:
			return nil, fmt.Errorf("only %d of %d ADDED events within 60s", len(lat), watchPods)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return lat, nil
}

// listResourceVersion returns a list body's resourceVersion.
func listResourceVersion(c *client, body []byte) (string, error) {
	obj, _, err := c.codecs.UniversalDeserializer().Decode(body, nil, nil)
	if err != nil {
		return "", err
	}
	lm, ok := obj.(interface{ GetListMeta() metav1.ListInterface })
	if !ok || lm.GetListMeta().GetResourceVersion() == "" {
		return "", errors.New("list without a resourceVersion")
	}
	return lm.GetListMeta().GetResourceVersion(), nil
}

func namespace(name string) runtime.Object {
	return &corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: name}}
}

func node(i int) runtime.Object {
	capacity := corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("16Gi"),
		corev1.ResourcePods: resource.MustParse("110"),
	}
	return &corev1.Node{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
		ObjectMeta: metav1.ObjectMeta{
			Name:   fmt.Sprintf("node-%03d", i),
			Labels: map[string]string{"kubernetes.io/hostname": fmt.Sprintf("node-%03d", i), "kubernetes.io/os": "linux"},
		},
		Status: corev1.NodeStatus{Capacity: capacity, Allocatable: capacity},
	}
}

// pod is a small pod bound to one of the nodes, like a density test's.
func pod(ns, name string, i int) runtime.Object {
	return &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: ns,
			Labels: map[string]string{"app": "bench", "shard": fmt.Sprint(i % 10)},
		},
		Spec: corev1.PodSpec{
			NodeName: fmt.Sprintf("node-%03d", i%nodes),
			Containers: []corev1.Container{{
				Name: "app", Image: "registry.k8s.io/pause:3.10",
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
					corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi"),
				}},
			}},
		},
	}
}

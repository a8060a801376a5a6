package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"
)

const (
	namespace = "bench"
	workers   = 32
	zones     = 10
)

// scenario is one measured run.
type scenario struct {
	name    string
	nodes   int
	pods    int
	backlog bool // pods created before the scheduler starts
	pod     func(i int) *corev1.Pod
	target  float64 // pods/s, 0: none
}

func scenarios() []scenario {
	return []scenario{
		{name: "1k-nodes/5k-pods", nodes: 1000, pods: 5000, pod: basicPod, target: 400},
		{name: "5k-nodes/5k-pods", nodes: 5000, pods: 5000, pod: basicPod, target: 360},
		{name: "backlog-5k-pods/5k-nodes", nodes: 5000, pods: 5000, backlog: true, pod: basicPod, target: 550},
		{name: "anti-affinity-1k/1k-nodes", nodes: 1000, pods: 1000, pod: antiAffinityPod},
		{name: "topology-spread-5k/1k-nodes", nodes: 1000, pods: 5000, pod: spreadPod},
	}
}

// env locates the binaries.
type env struct {
	apiserver, scheduler string
	qps                  int
	keep                 bool
	profiles             string
	memLimit             string
	stats                bool
}

// result is one scenario's figures.
type result struct {
	scenario
	bound          int
	elapsed        time.Duration
	p50, p99       time.Duration
	rssEnd, rssMax int64
	peaks          *runtimePeaks
	err            error
}

func (r result) podsPerSecond() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.bound) / r.elapsed.Seconds()
}

func runScenario(ctx context.Context, sc scenario, e env) (res result, err error) {
	res.scenario = sc
	defer func() { res.err = err }()
	dir, err := os.MkdirTemp("", "keel-scheduler-bench-")
	if err != nil {
		return res, err
	}
	defer func() {
		if e.keep || err != nil {
			fmt.Fprintln(os.Stderr, "kept", dir)
			return
		}
		os.RemoveAll(dir)
	}()
	port, err := freePort()
	if err != nil {
		return res, err
	}
	kc := filepath.Join(dir, "kubeconfig")
	api, err := start(e.apiserver, nil, filepath.Join(dir, "apiserver.log"),
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port="+strconv.Itoa(port),
		"--data-dir="+filepath.Join(dir, "etcd"), "--cert-dir="+filepath.Join(dir, "certs"),
		"--write-kubeconfig="+kc, "--max-requests-inflight=0", "--max-mutating-requests-inflight=0",
		// No controller-manager creates default ServiceAccounts (as in scheduler_perf).
		"--disable-admission-plugins=ServiceAccount")
	if err != nil {
		return res, err
	}
	defer api.stop()
	if err := api.waitHTTP(ctx, "https://127.0.0.1:"+strconv.Itoa(port)+"/readyz", 90*time.Second); err != nil {
		return res, err
	}
	rc, err := kubeconfig.BuildConfig(kc, kubeconfig.Overrides{})
	if err != nil {
		return res, err
	}
	rc.QPS, rc.ContentType = -1, runtime.ContentTypeProtobuf
	cs, err := typed.NewForConfig(rc)
	if err != nil {
		return res, err
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{}); err != nil {
		return res, fmt.Errorf("create namespace: %w", err)
	}
	if err := createNodes(ctx, cs, sc.nodes); err != nil {
		return res, err
	}

	w, err := newBindWatcher(ctx, cs, sc.pods)
	if err != nil {
		return res, err
	}
	created := make([]time.Time, sc.pods)
	var sched *process
	var metricsURL string
	var rssMax atomic.Int64
	sampleDone := make(chan struct{})
	defer func() {
		select {
		case <-sampleDone:
		default:
			close(sampleDone)
		}
	}()
	// sample records the scheduler's RSS (and, with -runtime-stats, its Go
	// runtime peaks) from its start, pods being created or not.
	sample := func() {
		go func() {
			t := time.NewTicker(250 * time.Millisecond)
			defer t.Stop()
			for {
				if r, _ := sched.memory(); r > rssMax.Load() {
					rssMax.Store(r)
				}
				select {
				case <-sampleDone:
					return
				case <-t.C:
				}
			}
		}()
		if e.stats {
			res.peaks = &runtimePeaks{}
			go res.peaks.run(metricsURL, 100*time.Millisecond, sampleDone)
		}
	}
	startScheduler := func() error {
		mport, err := freePort()
		if err != nil {
			return err
		}
		q := strconv.Itoa(e.qps)
		var envs []string
		if e.memLimit != "" {
			envs = append(envs, "GOMEMLIMIT="+e.memLimit)
		}
		sched, err = start(e.scheduler, envs, filepath.Join(dir, "scheduler.log"),
			"--kubeconfig="+kc, "--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(mport),
			"--kube-api-qps="+q, "--kube-api-burst="+q)
		if err != nil {
			return err
		}
		metricsURL = "http://127.0.0.1:" + strconv.Itoa(mport)
		if err := sched.waitHTTP(ctx, metricsURL+"/healthz", 120*time.Second); err != nil {
			return err
		}
		sample()
		return nil
	}
	var t0 time.Time
	if sc.backlog {
		if err := createPods(ctx, cs, sc, created); err != nil {
			return res, err
		}
		t0 = time.Now()
		for i := range created {
			created[i] = t0
		}
		if err := startScheduler(); err != nil {
			return res, err
		}
	} else {
		if err := startScheduler(); err != nil {
			return res, err
		}
		t0 = time.Now()
		if err := createPods(ctx, cs, sc, created); err != nil {
			sched.stop()
			return res, err
		}
	}
	defer sched.stop()

	if e.profiles != "" {
		go func() {
			for w.count() < sc.pods/2 && ctx.Err() == nil {
				time.Sleep(50 * time.Millisecond)
			}
			saveHeap(metricsURL, filepath.Join(e.profiles, profileName(sc.name, "half")))
		}()
	}
	waitErr := w.wait(ctx)
	close(sampleDone)
	if e.profiles != "" {
		saveHeap(metricsURL, filepath.Join(e.profiles, profileName(sc.name, "end")))
	}
	res.bound, res.elapsed = w.count(), w.last().Sub(t0)
	res.p50, res.p99 = w.latencies(created)
	res.rssEnd, res.rssMax = sched.memory()
	if m := rssMax.Load(); m > res.rssMax {
		res.rssMax = m
	}
	if waitErr != nil {
		return res, fmt.Errorf("%d/%d pods bound: %w (scheduler log: %s)", res.bound, sc.pods, waitErr, sched.logPath)
	}
	return res, nil
}

func createNodes(ctx context.Context, cs *typed.Clientset, n int) error {
	return parallel(ctx, n, func(i int) error {
		name := "node-" + strconv.Itoa(i)
		node := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
				"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": "zone-" + strconv.Itoa(i%zones),
			}},
		}
		created, err := cs.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create node: %w", err)
		}
		list := corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("32"), corev1.ResourceMemory: resource.MustParse("128Gi"),
			corev1.ResourcePods: resource.MustParse("110"),
		}
		created.Status = corev1.NodeStatus{
			Capacity: list, Allocatable: list,
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
		}
		if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("node status: %w", err)
		}
		return nil
	})
}

func createPods(ctx context.Context, cs *typed.Clientset, sc scenario, created []time.Time) error {
	pods := cs.CoreV1().Pods(namespace)
	return parallel(ctx, sc.pods, func(i int) error {
		p := sc.pod(i)
		created[i] = time.Now()
		if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create pod: %w", err)
		}
		return nil
	})
}

// parallel runs fn(0..n-1) on the workers and returns the first error.
func parallel(ctx context.Context, n int, fn func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// bindWatcher records when each pod is first seen with spec.nodeName.
type bindWatcher struct {
	cs    *typed.Clientset
	want  int
	mu    sync.Mutex
	bound map[string]time.Time
	lastT time.Time
	rv    string
	done  chan struct{}
}

func newBindWatcher(ctx context.Context, cs *typed.Clientset, want int) (*bindWatcher, error) {
	list, err := cs.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	w := &bindWatcher{cs: cs, want: want, bound: make(map[string]time.Time, want), rv: list.ResourceVersion, done: make(chan struct{})}
	wi, err := cs.CoreV1().Pods(namespace).Watch(ctx, metav1.ListOptions{ResourceVersion: w.rv, AllowWatchBookmarks: true})
	if err != nil {
		return nil, err
	}
	go w.loop(ctx, wi)
	return w, nil
}

func (w *bindWatcher) loop(ctx context.Context, wi watch.Interface) {
	for {
		for ev := range wi.ResultChan() {
			p, ok := ev.Object.(*corev1.Pod)
			if !ok {
				continue
			}
			w.rv = p.ResourceVersion
			if p.Spec.NodeName == "" {
				continue
			}
			now := time.Now()
			w.mu.Lock()
			if _, seen := w.bound[p.Name]; !seen {
				w.bound[p.Name] = now
				w.lastT = now
				if len(w.bound) == w.want {
					close(w.done)
				}
			}
			w.mu.Unlock()
		}
		if ctx.Err() != nil {
			return
		}
		var err error
		if wi, err = w.cs.CoreV1().Pods(namespace).Watch(ctx, metav1.ListOptions{ResourceVersion: w.rv, AllowWatchBookmarks: true}); err != nil {
			return
		}
	}
}

func (w *bindWatcher) wait(ctx context.Context) error {
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *bindWatcher) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.bound)
}

func (w *bindWatcher) last() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastT
}

// latencies returns p50 and p99 of creation-to-binding over bound pods.
func (w *bindWatcher) latencies(created []time.Time) (p50, p99 time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ds := make([]time.Duration, 0, len(w.bound))
	for i, c := range created {
		if b, ok := w.bound[podName(i)]; ok {
			ds = append(ds, b.Sub(c))
		}
	}
	return percentile(ds, 0.50), percentile(ds, 0.99)
}

func profileName(scenario, when string) string {
	return strings.ReplaceAll(scenario, "/", "_") + "-" + when + ".heap"
}

// saveHeap writes the scheduler's heap profile to path (best effort).
func saveHeap(base, path string) {
	resp, err := http.Get(base + "/debug/pprof/heap")
	if err != nil {
		fmt.Fprintln(os.Stderr, "heap profile:", err)
		return
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "heap profile:", err)
		return
	}
	defer f.Close()
	_, _ = io.Copy(f, resp.Body)
}

package informers

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/watch"
)

func pod(ns, name, rv string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, ResourceVersion: rv, Labels: map[string]string{"app": name}}}
}

// listResult is one scripted list page.
type listResult struct {
	items []*corev1.Pod
	rv    string
	cont  string
	err   error
}

// scriptedLW answers lists and watches from scripts and records options.
type scriptedLW struct {
	mu          sync.Mutex
	lists       []listResult
	watches     []*watch.FakeWatcher
	watchErrs   []error
	listOpts    []metav1.ListOptions
	watchOpts   []metav1.ListOptions
	watchCalled chan struct{}
}

func newScriptedLW() *scriptedLW { return &scriptedLW{watchCalled: make(chan struct{}, 100)} }

func (s *scriptedLW) List(ctx context.Context, opts metav1.ListOptions) ([]*corev1.Pod, metav1.ListMeta, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listOpts = append(s.listOpts, opts)
	if len(s.lists) == 0 {
		return nil, metav1.ListMeta{}, fmt.Errorf("no scripted list")
	}
	r := s.lists[0]
	s.lists = s.lists[1:]
	return r.items, metav1.ListMeta{ResourceVersion: r.rv, Continue: r.cont}, r.err
}

func (s *scriptedLW) Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	s.mu.Lock()
	defer func() { s.mu.Unlock(); s.watchCalled <- struct{}{} }()
	s.watchOpts = append(s.watchOpts, opts)
	if len(s.watchErrs) > 0 {
		err := s.watchErrs[0]
		s.watchErrs = s.watchErrs[1:]
		if err != nil {
			return nil, err
		}
	}
	if len(s.watches) == 0 {
		// Block like an idle watch.
		return watch.NewFake(), nil
	}
	w := s.watches[0]
	s.watches = s.watches[1:]
	return w, nil
}

// recorder is a Handler that records what it sees.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) OnAdd(p *corev1.Pod, initial bool) {
	r.add(fmt.Sprintf("add %s@%s initial=%v", p.Name, p.ResourceVersion, initial))
}
func (r *recorder) OnUpdate(o, n *corev1.Pod) {
	r.add(fmt.Sprintf("update %s@%s->%s", n.Name, o.ResourceVersion, n.ResourceVersion))
}
func (r *recorder) OnDelete(p *corev1.Pod) {
	r.add(fmt.Sprintf("delete %s@%s", p.Name, p.ResourceVersion))
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, s)
}

func (r *recorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

func manyPods(n int) []*corev1.Pod {
	out := make([]*corev1.Pod, n)
	for i := range out {
		p := pod("ns-"+strconv.Itoa(i%50), "pod-"+strconv.Itoa(i), strconv.Itoa(i+1))
		p.Spec.NodeName = "node-" + strconv.Itoa(i%100)
		p.Spec.Containers = []corev1.Container{{Name: "app", Image: "registry.example/app:v1"}}
		out[i] = p
	}
	return out
}

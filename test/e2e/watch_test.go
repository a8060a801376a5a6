package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
)

// podWatch follows `kubectl get pods -w --output-watch-events -o json` and
// keeps the latest state of every pod it has seen.
type podWatch struct {
	mu      sync.Mutex
	changed *sync.Cond
	pods    map[string]*corev1.Pod
	events  int
	onEvent func(typ string, p *corev1.Pod, pods map[string]*corev1.Pod)
	ended   bool
	err     error

	kill func()
	done chan struct{}
}

// watchEvent is one event as kubectl prints it with --output-watch-events.
type watchEvent struct {
	Type   string     `json:"type"`
	Object corev1.Pod `json:"object"`
}

// watchPods starts watching the pods of ns matching selector with the real
// kubectl. onEvent, when not nil, sees every event and the state after it,
// under the watch's lock. The watch stops when t ends.
func (c *cluster) watchPods(t *testing.T, ns, selector string, onEvent func(typ string, p *corev1.Pod, pods map[string]*corev1.Pod)) *podWatch {
	t.Helper()
	w := &podWatch{pods: map[string]*corev1.Pod{}, onEvent: onEvent, done: make(chan struct{})}
	w.changed = sync.NewCond(&w.mu)
	cmd := c.command(15*time.Minute, "kubectl", "get", "pods", "-n", ns, "-l", selector, "-w", "--output-watch-events", "-o", "json")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("kubectl get pods -w: %v", err)
	}
	w.kill = func() { _ = cmd.Process.Kill() }
	go func() {
		defer close(w.done)
		dec := json.NewDecoder(out)
		var err error
		for {
			var ev watchEvent
			if err = dec.Decode(&ev); err != nil {
				break
			}
			w.mu.Lock()
			p := ev.Object
			if ev.Type == "DELETED" {
				delete(w.pods, p.Name)
			} else {
				w.pods[p.Name] = &p
			}
			w.events++
			if w.onEvent != nil {
				w.onEvent(ev.Type, &p, w.pods)
			}
			w.changed.Broadcast()
			w.mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, out)
		werr := cmd.Wait()
		w.mu.Lock()
		w.ended = true
		if err != io.EOF {
			w.err = err
		} else {
			w.err = werr
		}
		w.changed.Broadcast()
		w.mu.Unlock()
	}()
	t.Cleanup(w.stop)
	return w
}

// waitFor waits until cond holds for the watched pods, failing t after
// timeout or when the watch ends.
func (w *podWatch) waitFor(t *testing.T, timeout time.Duration, what string, cond func(pods map[string]*corev1.Pod) bool) {
	t.Helper()
	timer := time.AfterFunc(timeout, func() {
		w.mu.Lock()
		w.changed.Broadcast()
		w.mu.Unlock()
	})
	defer timer.Stop()
	deadline := time.Now().Add(timeout)
	w.mu.Lock()
	defer w.mu.Unlock()
	for !cond(w.pods) {
		if w.ended {
			t.Fatalf("the pod watch ended (%v) while waiting for %s", w.err, what)
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s; watched pods: %s", timeout, what, describePods(w.pods))
		}
		w.changed.Wait()
	}
}

// stop ends the kubectl process and waits for the reader.
func (w *podWatch) stop() {
	w.kill()
	<-w.done
}

// readyCount counts the Ready pods not being deleted.
func readyCount(pods map[string]*corev1.Pod) int {
	n := 0
	for _, p := range pods {
		if podReady(p) {
			n++
		}
	}
	return n
}

// describePods is a one-line summary of pods for failure messages.
func describePods(pods map[string]*corev1.Pod) string {
	s := ""
	for name, p := range pods {
		s += fmt.Sprintf("%s(%s ready=%v deleting=%v) ", name, p.Status.Phase, podReady(p), p.DeletionTimestamp != nil)
	}
	return s
}

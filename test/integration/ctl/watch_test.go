package ctl

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"keel.dev/keel/pkg/ctl/app"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestGetWatch runs `ctl get cm -w` against the apiserver and checks that
// rows for objects created and deleted later are printed as they happen.
func TestGetWatch(t *testing.T) {
	s := startServer(t)
	t.Setenv("KUBECONFIG", s.Kubeconfig)
	var out, errOut lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- app.Run(ctx, []string{"get", "cm", "-w", "-n", "default", "-l", "w=1"}, strings.NewReader(""), &out, &errOut)
	}()
	waitFor := func(what string, cond func(string) bool, src *lockedBuffer) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond(src.String()) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; stdout %q stderr %q", what, out.String(), errOut.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("the empty list message", func(s string) bool { return strings.Contains(s, "No resources found") }, &errOut)
	time.Sleep(300 * time.Millisecond)
	if r := runCtl(t, s, "", "create", "configmap", "w1", "--from-literal=a=b", "-n", "default"); r.code != 0 {
		t.Fatalf("create: %+v", r)
	}
	if r := runCtl(t, s, "", "label", "cm", "w1", "w=1", "-n", "default"); r.code != 0 {
		t.Fatalf("label: %+v", r)
	}
	waitFor("the new row", func(s string) bool { return strings.Contains(s, "w1") }, &out)
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d, stderr %q", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 || strings.Join(strings.Fields(lines[0]), " ") != "NAME DATA AGE" || !strings.HasPrefix(lines[1], "w1") {
		t.Errorf("unexpected watch output:\n%s", out.String())
	}
}

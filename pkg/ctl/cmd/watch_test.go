package cmd_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"keel.dev/keel/pkg/ctl/app"
	"keel.dev/keel/pkg/ctl/cmd"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestGetWatchPrintsRowsAsTheyCome(t *testing.T) {
	s := newServer(t)
	addPod(s, "default", "a", nil)
	var out, errOut syncBuffer
	f := cmd.NewFactory()
	f.In, f.Out, f.ErrOut = strings.NewReader(""), &out, &errOut
	f.SetClient(testClient(s))
	root := app.NewCommand(f)
	root.SetArgs([]string{"get", "pods", "-w"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- root.ExecuteContext(ctx) }()
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(out.String(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %q in:\n%s", want, out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor("a      0/1     Running")
	// Let the watch connect before changing anything.
	time.Sleep(200 * time.Millisecond)
	_, _, code := run(t, s, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n  - name: c\n    image: x\n", "create", "-f", "-")
	if code != 0 {
		t.Fatal("create failed")
	}
	waitFor("b      0/1     Pending")
	cancel()
	<-done
	want := "NAME   READY   STATUS    RESTARTS   AGE\na      0/1     Running   0          5s\nb      0/1     Pending   0          0s\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

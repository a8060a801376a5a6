package cmd_test

import (
	"bytes"
	"context"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"keel.dev/client/rest"

	"keel.dev/keel/pkg/ctl/app"
	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/cmd"
	"keel.dev/keel/pkg/ctl/internal/fakeapi"
)

var testNow = time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)

// newServer starts a fake apiserver with a fixed clock and a few objects.
func newServer(t *testing.T) *fakeapi.Server {
	t.Helper()
	t.Setenv("KUBECONFIG", t.TempDir()+"/none")
	t.Setenv("HOME", t.TempDir())
	s := fakeapi.New()
	s.Now = func() time.Time { return testNow }
	t.Cleanup(s.Close)
	created := testNow.Add(-90 * time.Second).Format(time.RFC3339)
	s.Add(map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "default", "creationTimestamp": created}})
	s.Add(map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "kube-system", "creationTimestamp": created}})
	return s
}

func addPod(s *fakeapi.Server, ns, name string, labels map[string]any) {
	s.Add(map[string]any{"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": name, "namespace": ns, "labels": labels, "creationTimestamp": testNow.Add(-5 * time.Second).Format(time.RFC3339)},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "c", "image": "nginx:" + name}}},
		"status":   map[string]any{"phase": "Running", "podIP": "10.0.0.1"}})
}

// run executes ctl against s and returns stdout, stderr and the exit code.
func run(t *testing.T, s *fakeapi.Server, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := cmd.NewFactory()
	f.In, f.Out, f.ErrOut = strings.NewReader(stdin), &out, &errOut
	if s != nil {
		f.SetClient(testClient(s))
	}
	root := app.NewCommand(f)
	root.SetArgs(args)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := cmd.HandleError(&errOut, root.ExecuteContext(ctx))
	return out.String(), errOut.String(), code
}

// testClient talks to s, trusting its certificate for streaming connections too.
func testClient(s *fakeapi.Server) *client.Client {
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	return &client.Client{HTTP: s.Client(), Base: s.URL, Config: &rest.Config{Host: s.URL, TLS: rest.TLSConfig{CAData: ca}}}
}

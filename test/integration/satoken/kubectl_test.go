package satoken

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"keel.dev/keel/test/integration/framework"
)

// kubectl runs the real kubectl with a fresh HOME; env replaces KUBECONFIG.
func kubectl(t *testing.T, kubeconfig string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatalf("kubectl is not on PATH: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "KUBECONFIG="+kubeconfig)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("kubectl %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
	}
	return strings.TrimSpace(string(out))
}

func TestKubectlCreateTokenAndWhoami(t *testing.T) {
	s := framework.StartTestServer(t)
	createServiceAccount(t, s, "default", "robot")

	tok := kubectl(t, s.Kubeconfig, "create", "token", "robot", "--duration=2h", "--audience=vault")
	c := claims(t, tok)
	if aud, _ := c["aud"].([]any); len(aud) != 1 || aud[0] != "vault" {
		t.Errorf("aud = %v, want [vault]", c["aud"])
	}
	if exp, iat := c["exp"].(float64), c["iat"].(float64); exp-iat != 7200 {
		t.Errorf("lifetime = %vs, want 7200", exp-iat)
	}

	// A token for the API, used alone by kubectl (no client certificate).
	tok = kubectl(t, s.Kubeconfig, "create", "token", "robot")
	ca := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(ca, s.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "none")
	out := kubectl(t, empty, "--server="+s.URL, "--certificate-authority="+ca, "--token="+tok, "auth", "whoami")
	for _, want := range []string{"system:serviceaccount:default:robot", "system:serviceaccounts:default", "authentication.kubernetes.io/credential-id"} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl auth whoami lacks %q:\n%s", want, out)
		}
	}
	if out := kubectl(t, empty, "--server="+s.URL, "--certificate-authority="+ca, "--token="+tok,
		"get", "serviceaccounts", "-o", "name"); !strings.Contains(out, "serviceaccount/robot") {
		t.Errorf("kubectl get serviceaccounts with the token:\n%s", out)
	}
}

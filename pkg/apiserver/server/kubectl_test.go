package server

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"keel.dev/keel/api"
)

// runKubectl runs the kubectl on PATH against ts with a fresh HOME (so the
// discovery cache starts empty) and a generated admin kubeconfig.
func runKubectl(t *testing.T, ts *testServer, args ...string) string {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH")
	}
	home := t.TempDir()
	kubeconfig := filepath.Join(home, "kubeconfig")
	if err := WriteAdminKubeconfig(kubeconfig, ts.url, ts.certs.CA.CertPEM(), ts.admin); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, kubectl, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "KUBECONFIG="+kubeconfig, "KUBECACHEDIR="+filepath.Join(home, "cache"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestRealKubectlVersion(t *testing.T) {
	ts := startTestServer(t, serverOptions{})
	out := runKubectl(t, ts, "version", "-o", "json")
	var v struct {
		ServerVersion struct {
			Major, Minor, GitVersion string
		} `json:"serverVersion"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &v); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	if v.ServerVersion.Major != "1" || v.ServerVersion.Minor != "32" || !strings.HasPrefix(v.ServerVersion.GitVersion, "v1.32.") {
		t.Fatalf("server version %+v\n%s", v.ServerVersion, out)
	}
}

func TestRealKubectlAPIResources(t *testing.T) {
	ts := startTestServer(t, serverOptions{})
	out := runKubectl(t, ts, "api-resources")
	for _, row := range []string{
		`(?m)^pods\s+po\s+v1\s+true\s+Pod$`,
		`(?m)^namespaces\s+ns\s+v1\s+false\s+Namespace$`,
		`(?m)^deployments\s+deploy\s+apps/v1\s+true\s+Deployment$`,
		`(?m)^jobs\s+batch/v1\s+true\s+Job$`,
	} {
		if !regexp.MustCompile(row).MatchString(out) {
			t.Errorf("no row matching %s in\n%s", row, out)
		}
	}
	// Categories and verbs reach kubectl too.
	out = runKubectl(t, ts, "api-resources", "--categories=all", "-o", "name")
	if strings.TrimSpace(out) != "pods\ndeployments.apps\njobs.batch" {
		t.Errorf("category all:\n%s", out)
	}
}

// TestRealKubectlExplain reads the embedded OpenAPI v3 document of core v1
// through /openapi/v3, as kubectl explain (and apply's validation) does.
func TestRealKubectlExplain(t *testing.T) {
	if _, err := fs.Stat(api.OpenAPISpec(), "v3/api__v1_openapi.json"); err != nil {
		t.Skip("no generated OpenAPI v3 document for core v1 yet")
	}
	ts := startTestServer(t, serverOptions{spec: api.OpenAPISpec()})
	out := runKubectl(t, ts, "explain", "pods.spec.nodeName")
	if !regexp.MustCompile(`KIND:\s+Pod`).MatchString(out) || !strings.Contains(out, "nodeName") {
		t.Fatalf("explain output:\n%s", out)
	}
}

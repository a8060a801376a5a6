package impersonation

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"keel.dev/keel/test/integration/framework"
)

// kubectl runs the kubectl on PATH against s as its admin, with a fresh
// HOME (empty discovery cache), and returns its combined output.
func kubectl(t *testing.T, s *framework.TestServer, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatalf("kubectl is not on PATH: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "KUBECONFIG="+s.Kubeconfig)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// userInfo is status.userInfo of a SelfSubjectReview.
type userInfo struct {
	Username string              `json:"username"`
	UID      string              `json:"uid"`
	Groups   []string            `json:"groups"`
	Extra    map[string][]string `json:"extra"`
}

func decodeReview(t *testing.T, b []byte) userInfo {
	t.Helper()
	var r struct {
		Kind   string `json:"kind"`
		Status struct {
			UserInfo userInfo `json:"userInfo"`
		} `json:"status"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Kind != "SelfSubjectReview" {
		t.Fatalf("not a SelfSubjectReview (%v): %s", err, b)
	}
	return r.Status.UserInfo
}

// post sends a JSON body to path as the admin with extra headers.
func post(t *testing.T, s *framework.TestServer, path string, body any, hdr http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, bytes.NewReader(framework.JSON(t, body)))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range hdr {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

var selfSubjectReview = map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}

func TestKubectlAuthWhoamiAs(t *testing.T) {
	s := framework.StartTestServer(t)
	cases := []struct {
		name string
		args []string
		want userInfo
	}{
		{"without --as it is the admin", nil,
			userInfo{Username: "kubernetes-admin", Groups: []string{"system:masters", "system:authenticated"}}},
		{"--as bob is bob in system:authenticated", []string{"--as", "bob"},
			userInfo{Username: "bob", Groups: []string{"system:authenticated"}}},
		{"--as-group and --as-uid are bob's groups and UID", []string{"--as", "bob", "--as-group", "dev", "--as-group", "ops", "--as-uid", "u-1"},
			userInfo{Username: "bob", UID: "u-1", Groups: []string{"dev", "ops", "system:authenticated"}}},
		{"a service account gets the service account groups", []string{"--as", "system:serviceaccount:ci:builder"},
			userInfo{Username: "system:serviceaccount:ci:builder", Groups: []string{"system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"}}},
		{"system:anonymous is unauthenticated", []string{"--as", "system:anonymous"},
			userInfo{Username: "system:anonymous", Groups: []string{"system:unauthenticated"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := kubectl(t, s, append(c.args, "auth", "whoami", "-o", "json")...)
			if diff := cmp.Diff(c.want, decodeReview(t, []byte(out))); diff != "" {
				t.Errorf("userInfo (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("the table output names bob and his groups", func(t *testing.T) {
		out := kubectl(t, s, "--as", "bob", "--as-group", "dev", "auth", "whoami")
		for _, want := range []string{"Username", "bob", "[dev system:authenticated]"} {
			if !strings.Contains(out, want) {
				t.Errorf("no %q in\n%s", want, out)
			}
		}
	})
}

func TestKubectlAsReachesTheAPI(t *testing.T) {
	s := framework.StartTestServer(t)
	t.Run("auth can-i as bob in dev is answered", func(t *testing.T) {
		if out := kubectl(t, s, "--as", "bob", "--as-group", "dev", "auth", "can-i", "list", "pods", "-n", "default"); out != "yes\n" {
			t.Errorf("can-i: %q", out)
		}
	})
	t.Run("an ordinary read as bob succeeds with the headers stripped", func(t *testing.T) {
		out := kubectl(t, s, "--as", "bob", "--as-group", "dev", "get", "namespace", "default", "-o", "name")
		if out != "namespace/default\n" {
			t.Errorf("get: %q", out)
		}
	})
}

func TestImpersonationHeaders(t *testing.T) {
	s := framework.StartTestServer(t)
	const path = "/apis/authentication.k8s.io/v1/selfsubjectreviews"
	t.Run("extras are decoded and lower-cased", func(t *testing.T) {
		code, body := post(t, s, path, selfSubjectReview, http.Header{
			"Impersonate-User":                     {"bob"},
			"Impersonate-Extra-Scopes":             {"view", "edit"},
			"Impersonate-Extra-Example.com%2fTeam": {"blue"},
		})
		if code != http.StatusCreated {
			t.Fatalf("HTTP %d: %s", code, body)
		}
		want := userInfo{Username: "bob", Groups: []string{"system:authenticated"},
			Extra: map[string][]string{"scopes": {"view", "edit"}, "example.com/team": {"blue"}}}
		if diff := cmp.Diff(want, decodeReview(t, body)); diff != "" {
			t.Errorf("userInfo (-want +got):\n%s", diff)
		}
	})
	t.Run("a group without a user is a 400 BadRequest", func(t *testing.T) {
		code, body := post(t, s, path, selfSubjectReview, http.Header{"Impersonate-Group": {"dev"}})
		var st map[string]any
		_ = json.Unmarshal(body, &st)
		if code != http.StatusBadRequest || st["reason"] != "BadRequest" ||
			st["message"] != "requested [{Group  dev    }] without impersonating a user" {
			t.Fatalf("HTTP %d: %s", code, body)
		}
	})
}

package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	authorizationv1 "keel.dev/api/authorization/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer/protobuf"

	"keel.dev/keel/pkg/ctl/app"
	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/cmd"
)

// richRules exercise every step of the table: splitting rules, joining
// verbs per object, resource names, subresources, groups, a rule without
// groups (kubectl prints nothing for it) and non-resource URLs.
const richRules = `{
 "resourceRules": [
  {"verbs": ["get", "list", "watch"], "apiGroups": [""], "resources": ["pods", "pods/log"]},
  {"verbs": ["get"], "apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["web", "api"]},
  {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
  {"verbs": ["update"], "apiGroups": [""], "resources": ["pods"]},
  {"verbs": ["get"], "resources": ["nodes"]},
  {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}
 ],
 "nonResourceRules": [
  {"verbs": ["get"], "nonResourceURLs": ["/healthz", "/version", "/api/*"]},
  {"verbs": ["get", "post"], "nonResourceURLs": ["/metrics"]}
 ],
 "incomplete": false
}`

// richTable is what kubectl 1.32 prints for richRules.
const richTable = `Resources                                       Non-Resource URLs   Resource Names   Verbs
*.*                                             []                  []               [*]
selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]
selfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]
pods                                            []                  []               [get list watch update]
pods/log                                        []                  []               [get list watch]
                                                [/api/*]            []               [get]
                                                [/healthz]          []               [get]
                                                [/metrics]          []               [get]
                                                [/version]          []               [get]
deployments.apps                                []                  [api]            [get]
deployments.apps                                []                  [web]            [get]
                                                [/metrics]          []               [post]
`

// richTableNoHeaders is richTable printed with --no-headers: the columns
// are only as wide as the rows need.
const richTableNoHeaders = `*.*                                             []           []      [*]
selfsubjectaccessreviews.authorization.k8s.io   []           []      [create]
selfsubjectrulesreviews.authorization.k8s.io    []           []      [create]
pods                                            []           []      [get list watch update]
pods/log                                        []           []      [get list watch]
                                                [/api/*]     []      [get]
                                                [/healthz]   []      [get]
                                                [/metrics]   []      [get]
                                                [/version]   []      [get]
deployments.apps                                []           [api]   [get]
deployments.apps                                []           [web]   [get]
                                                [/metrics]   []      [post]
`

// rulesServer answers SelfSubjectRulesReviews with status and records the
// namespaces asked about.
type rulesServer struct {
	*httptest.Server
	status string
	mu     sync.Mutex
	asked  []string
}

func newRulesServer(t *testing.T, status string) *rulesServer {
	t.Helper()
	s := &rulesServer{status: status}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost || req.URL.Path != "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews" {
			http.NotFound(w, req)
			return
		}
		ns, err := reviewNamespace(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.asked = append(s.asked, ns)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"kind":"SelfSubjectRulesReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{},"status":%s}`, s.status)
	}))
	t.Cleanup(s.Close)
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	t.Setenv("HOME", t.TempDir())
	return s
}

// reviewNamespace decodes the SelfSubjectRulesReview posted in JSON (ctl)
// or protobuf (kubectl) and returns the namespace it asks about.
func reviewNamespace(req *http.Request) (string, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return "", err
	}
	var in authorizationv1.SelfSubjectRulesReview
	if req.Header.Get("Content-Type") == "application/vnd.kubernetes.protobuf" {
		scheme := runtime.NewScheme()
		if err := authorizationv1.AddToScheme(scheme); err != nil {
			return "", err
		}
		if _, _, err := protobuf.NewSerializer(scheme).Decode(body, nil, &in); err != nil {
			return "", fmt.Errorf("decoding protobuf: %w", err)
		}
	} else if err := json.Unmarshal(body, &in); err != nil {
		return "", fmt.Errorf("decoding JSON: %w", err)
	}
	if in.Kind != "SelfSubjectRulesReview" || in.APIVersion != "authorization.k8s.io/v1" {
		return "", fmt.Errorf("posted %s %s, not a SelfSubjectRulesReview", in.APIVersion, in.Kind)
	}
	return in.Spec.Namespace, nil
}

func (s *rulesServer) namespaces() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.asked...)
}

// runCtl runs ctl against s.
func (s *rulesServer) runCtl(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := cmd.NewFactory()
	f.In, f.Out, f.ErrOut = strings.NewReader(""), &out, &errOut
	f.SetClient(&client.Client{HTTP: s.Client(), Base: s.URL})
	root := app.NewCommand(f)
	root.SetArgs(args)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := cmd.HandleError(&errOut, root.ExecuteContext(ctx))
	return out.String(), errOut.String(), code
}

// runKubectl runs the real kubectl against s, skipping when it is not on PATH.
func (s *rulesServer) runKubectl(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH")
	}
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "config")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: %q, insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`, s.URL)
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, bin, args...)
	c.Env = append(os.Environ(), "HOME="+dir, "KUBECONFIG="+kubeconfig)
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	code := 0
	if err := c.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	return out.String(), errOut.String(), code
}

func TestAuthCanIList(t *testing.T) {
	cases := []struct {
		name    string
		status  string
		args    []string
		out     string
		errOut  string
		namesp  string
		errCode int
	}{
		{"rules are split, joined per object and sorted as kubectl does", richRules,
			[]string{"auth", "can-i", "--list"}, richTable, "", "default", 0},
		{"the namespace flag is the namespace asked about", richRules,
			[]string{"auth", "can-i", "--list", "-n", "kube-system"}, richTable, "", "kube-system", 0},
		{"no headers drops the header line", richRules,
			[]string{"auth", "can-i", "--list", "--no-headers"}, richTableNoHeaders, "", "default", 0},
		{"an incomplete list warns with the evaluation error",
			`{"resourceRules":[],"nonResourceRules":[],"incomplete":true,"evaluationError":"authorizer does not support user rule resolution"}`,
			[]string{"auth", "can-i", "--list"}, "Resources   Non-Resource URLs   Resource Names   Verbs\n",
			"Warning: the list may be incomplete: authorizer does not support user rule resolution\n", "default", 0},
		{"list takes no arguments", richRules, []string{"auth", "can-i", "--list", "get", "pods"}, "",
			"error: list option must be specified with no arguments\n", "", 1},
		{"list refuses all-namespaces", richRules, []string{"auth", "can-i", "--list", "-A"}, "",
			"error: list option can't be specified with neither quiet, all-namespaces nor subresource options\n", "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newRulesServer(t, c.status)
			out, errOut, code := s.runCtl(t, c.args...)
			if out != c.out || errOut != c.errOut || code != c.errCode {
				t.Errorf("ctl %v:\nstdout:\n%s\nstderr: %q\ncode %d\nwant stdout:\n%s\nstderr: %q\ncode %d", c.args, out, errOut, code, c.out, c.errOut, c.errCode)
			}
			if want := []string{c.namesp}; c.namesp != "" && fmt.Sprint(s.namespaces()) != fmt.Sprint(want) {
				t.Errorf("ctl asked about namespaces %v, want %v", s.namespaces(), want)
			}
		})
	}
	// The same questions to the real kubectl give the same answers, which
	// keeps the expectations above honest.
	for _, c := range cases {
		t.Run("kubectl: "+c.name, func(t *testing.T) {
			s := newRulesServer(t, c.status)
			out, errOut, code := s.runKubectl(t, c.args...)
			if out != c.out || errOut != c.errOut || code != c.errCode {
				t.Errorf("kubectl %v:\nstdout:\n%s\nstderr: %q\ncode %d\nwant stdout:\n%s\nstderr: %q\ncode %d", c.args, out, errOut, code, c.out, c.errOut, c.errCode)
			}
			// kubectl posts protobuf: this also checks Keel's protobuf tags.
			if want := []string{c.namesp}; c.namesp != "" && fmt.Sprint(s.namespaces()) != fmt.Sprint(want) {
				t.Errorf("kubectl asked about namespaces %v, want %v", s.namespaces(), want)
			}
		})
	}
}

func TestAuthCanINoHeadersNeedsList(t *testing.T) {
	s := newRulesServer(t, richRules)
	_, errOut, code := s.runCtl(t, "auth", "can-i", "get", "/healthz", "--no-headers")
	if want := "error: --no-headers cannot be set without --list specified\n"; errOut != want || code != 1 {
		t.Errorf("stderr %q code %d, want %q code 1", errOut, code, want)
	}
}

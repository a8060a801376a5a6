package ctl

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	authorizationv1 "keel.dev/api/authorization/v1"

	"keel.dev/keel/test/integration/framework"
)

// clusterAdminTable is what kubectl prints for a user who may do anything
// (a Kubernetes cluster-admin; every user under Keel's AlwaysAllow).
const clusterAdminTable = `Resources   Non-Resource URLs   Resource Names   Verbs
*.*         []                  []               [*]
            [*]                 []               [*]
`

func TestAuthCanIListSideBySide(t *testing.T) {
	s := startServer(t)
	home := t.TempDir()
	for _, args := range [][]string{
		{"auth", "can-i", "--list"},
		{"auth", "can-i", "--list", "-n", "kube-system"},
	} {
		t.Run("kubectl "+strings.Join(args, " "), func(t *testing.T) {
			r := runKubectl(t, s, home, "", args...)
			if r.out != clusterAdminTable || r.err != "" || r.code != 0 {
				t.Errorf("kubectl %v: code %d\nstdout:\n%s\nstderr:\n%s\nwant:\n%s", args, r.code, r.out, r.err, clusterAdminTable)
			}
		})
		t.Run("ctl "+strings.Join(args, " "), func(t *testing.T) {
			r := runCtl(t, s, "", args...)
			if r.out != clusterAdminTable || r.err != "" || r.code != 0 {
				t.Errorf("ctl %v: code %d\nstdout:\n%s\nstderr:\n%s\nwant:\n%s", args, r.code, r.out, r.err, clusterAdminTable)
			}
		})
	}
}

func TestSelfSubjectRulesReviewREST(t *testing.T) {
	s := startServer(t)
	const path = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"
	review := func(spec map[string]any) []byte {
		return framework.JSON(t, map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "spec": spec})
	}
	t.Run("the caller's rules are answered in JSON", func(t *testing.T) {
		resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: path, Body: review(map[string]any{"namespace": "default"})})
		framework.Expect(t, resp, http.StatusCreated, "SelfSubjectRulesReview")
		obj := resp.Object(t)
		want := map[string]any{
			"resourceRules":    []any{map[string]any{"verbs": []any{"*"}, "apiGroups": []any{"*"}, "resources": []any{"*"}}},
			"nonResourceRules": []any{map[string]any{"verbs": []any{"*"}, "nonResourceURLs": []any{"*"}}},
			"incomplete":       false,
		}
		if framework.String(obj, "kind") != "SelfSubjectRulesReview" || framework.String(obj, "apiVersion") != "authorization.k8s.io/v1" ||
			!reflect.DeepEqual(framework.Field(obj, "status"), any(want)) {
			t.Errorf("review = %s", resp.Body)
		}
	})
	t.Run("the caller's rules are answered in protobuf", func(t *testing.T) {
		in := &authorizationv1.SelfSubjectRulesReview{Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: "kube-system"}}
		in.APIVersion, in.Kind = "authorization.k8s.io/v1", "SelfSubjectRulesReview"
		resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: path, Body: framework.Protobuf(t, in),
			ContentType: "application/vnd.kubernetes.protobuf", Accept: "application/vnd.kubernetes.protobuf"})
		framework.Expect(t, resp, http.StatusCreated, "SelfSubjectRulesReview")
		out, ok := framework.DecodeProtobuf(t, resp.Body).(*authorizationv1.SelfSubjectRulesReview)
		if !ok {
			t.Fatalf("answer is not a SelfSubjectRulesReview: %q", resp.Body)
		}
		want := authorizationv1.SubjectRulesReviewStatus{
			ResourceRules:    []authorizationv1.ResourceRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}},
			NonResourceRules: []authorizationv1.NonResourceRule{{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}},
		}
		if !reflect.DeepEqual(out.Status, want) {
			t.Errorf("status = %+v, want %+v", out.Status, want)
		}
	})
	t.Run("a review without a namespace is a bad request", func(t *testing.T) {
		resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: path, Body: review(map[string]any{})})
		framework.Expect(t, resp, http.StatusBadRequest, "SelfSubjectRulesReview")
		obj := resp.Object(t)
		if framework.String(obj, "reason") != "BadRequest" || framework.String(obj, "message") != "no namespace on request" {
			t.Errorf("answer = %s", resp.Body)
		}
	})
	t.Run("reviews cannot be listed", func(t *testing.T) {
		resp := s.Get(t, path)
		framework.Expect(t, resp, http.StatusMethodNotAllowed, "GET selfsubjectrulesreviews")
	})
	t.Run("discovery lists the resource as cluster-scoped and create-only", func(t *testing.T) {
		resp := s.Get(t, "/apis/authorization.k8s.io/v1")
		framework.Expect(t, resp, http.StatusOK, "discovery")
		var found map[string]any
		for _, r := range framework.Field(resp.Object(t), "resources").([]any) {
			if m := r.(map[string]any); m["name"] == "selfsubjectrulesreviews" {
				found = m
			}
		}
		if found == nil || found["kind"] != "SelfSubjectRulesReview" || found["namespaced"] != false ||
			!reflect.DeepEqual(found["verbs"], []any{"create"}) || found["singularName"] != "selfsubjectrulesreview" {
			t.Errorf("selfsubjectrulesreviews in discovery = %v", found)
		}
	})
}

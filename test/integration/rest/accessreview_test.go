package rest

import (
	"net/http"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestAccessReviews(t *testing.T) {
	s := framework.StartTestServer(t)
	resource := map[string]any{"namespace": "default", "verb": "get", "resource": "pods"}
	cases := []struct {
		name, path, kind string
		spec             map[string]any
		code             int
		message          string
	}{
		{name: "a subject access review is answered", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", kind: "SubjectAccessReview",
			spec: map[string]any{"user": "bob", "resourceAttributes": resource}, code: http.StatusCreated},
		{name: "a subject access review about a non-resource path is answered", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", kind: "SubjectAccessReview",
			spec: map[string]any{"groups": []string{"dev"}, "nonResourceAttributes": map[string]any{"path": "/metrics", "verb": "get"}}, code: http.StatusCreated},
		{name: "a subject access review without a user is invalid", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", kind: "SubjectAccessReview",
			spec: map[string]any{"resourceAttributes": resource}, code: http.StatusUnprocessableEntity,
			message: `SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified`},
		{name: "a self subject access review is answered", path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", kind: "SelfSubjectAccessReview",
			spec: map[string]any{"resourceAttributes": resource}, code: http.StatusCreated},
		{name: "a self subject access review without attributes is invalid", path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", kind: "SelfSubjectAccessReview",
			spec: map[string]any{}, code: http.StatusUnprocessableEntity,
			message: `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified`},
		{name: "a local subject access review in its namespace is answered", path: "/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews", kind: "LocalSubjectAccessReview",
			spec: map[string]any{"user": "bob", "resourceAttributes": resource}, code: http.StatusCreated},
		{name: "a local subject access review about another namespace is refused", path: "/apis/authorization.k8s.io/v1/namespaces/kube-system/localsubjectaccessreviews", kind: "LocalSubjectAccessReview",
			spec: map[string]any{"user": "bob", "resourceAttributes": resource}, code: http.StatusBadRequest,
			message: "spec.resourceAttributes.namespace must match namespace: kube-system"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: c.path,
				Body: framework.JSON(t, map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": c.kind, "spec": c.spec})})
			framework.Expect(t, resp, c.code, c.kind)
			obj := resp.Object(t)
			if c.code != http.StatusCreated {
				if m := framework.String(obj, "message"); m != c.message {
					t.Errorf("message = %q, want %q", m, c.message)
				}
				return
			}
			if framework.String(obj, "kind") != c.kind || framework.Field(obj, "status.allowed") != true || framework.Field(obj, "status.denied") != nil {
				t.Errorf("review = %s", resp.Body)
			}
		})
	}
}

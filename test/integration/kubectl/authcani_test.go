package kubectl

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestKubectlAuthCanI(t *testing.T) {
	s := framework.StartTestServer(t)
	k := newKubectl(t, s)
	cases := []struct {
		name string
		args []string
	}{
		{"a namespaced resource verb", []string{"auth", "can-i", "create", "pods", "-n", "default"}},
		{"a cluster-scoped resource by name", []string{"auth", "can-i", "delete", "nodes/n1", "--all-namespaces"}},
		{"a subresource", []string{"auth", "can-i", "get", "pods", "--subresource=log"}},
		{"a non-resource URL", []string{"auth", "can-i", "get", "/healthz"}},
		{"everything", []string{"auth", "can-i", "*", "*"}},
	}
	for _, c := range cases {
		t.Run(c.name+" is allowed", func(t *testing.T) {
			mustMatch(t, k.run("", c.args...), `^yes\n$`)
		})
	}
	t.Run("a question about another user is allowed", func(t *testing.T) {
		mustMatch(t, k.run("", "auth", "can-i", "list", "secrets", "--as", "bob", "--as-group", "dev"), `^yes\n$`)
	})
}

package satoken

import (
	"net/http"
	"testing"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

// TestAPIServersSharingCertDirAcceptEachOthersTokens starts a second
// apiserver over the same etcd prefix and certificate directory: the
// generated signing key is shared, so a token issued by one server
// authenticates on the other.
func TestAPIServersSharingCertDirAcceptEachOthersTokens(t *testing.T) {
	a := framework.StartTestServer(t)
	b := framework.StartTestServer(t, func(c *app.Config) {
		c.CertDir = a.Config.CertDir
		c.EtcdPrefix = a.Config.EtcdPrefix
	})
	createServiceAccount(t, a, "default", "robot")
	fromA := token(t, a, "default", "robot", map[string]any{})
	fromB := token(t, b, "default", "robot", map[string]any{})
	for _, tc := range []struct {
		name   string
		server *framework.TestServer
		token  string
	}{
		{"a token of the first server works on the second", b, fromA},
		{"a token of the second server works on the first", a, fromB},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := asBearer(t, tc.server, http.MethodGet, "/api/v1/namespaces/default/serviceaccounts", tc.token, nil); code != http.StatusOK {
				t.Fatalf("HTTP %d: %s", code, body)
			}
		})
	}
}

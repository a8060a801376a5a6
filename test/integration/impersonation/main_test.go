// Package impersonation tests user impersonation (Impersonate-User,
// -Group, -Uid and -Extra-<key>) end to end on an in-process apiserver:
// the real kubectl's --as, --as-group and --as-uid with `auth whoami`,
// `auth can-i` and `get`, extras and the 400 for groups without a user
// over raw HTTP, and, under --authorization-mode=RBAC, a user allowed to
// impersonate one user and group: what authorization then sees, and
// Kubernetes' 403 for users, groups, service accounts and UIDs it may not
// impersonate.
package impersonation

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

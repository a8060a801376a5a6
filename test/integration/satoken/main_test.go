// Package satoken tests service account tokens end to end on an in-process
// apiserver: TokenRequest, the token authenticator and its revocation, the
// issuer discovery documents, the ServiceAccount admission plugin and the
// real kubectl's `create token` and `auth whoami`.
package satoken

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

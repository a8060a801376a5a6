// Package ctl runs ctl and the real kubectl (on PATH) side by side against
// an in-process apiserver and compares their outputs, ignoring ages.
package ctl

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

// startServer starts the in-process apiserver for one test.
func startServer(t *testing.T) *framework.TestServer {
	t.Helper()
	return framework.StartTestServer(t)
}

// Package kubelet tests the kubelet end to end against an in-process
// apiserver: node registration and lease, pods bound to the node run and
// report status, deletion, hollow nodes, restart adoption, and (as root)
// one busybox pod on real containerd.
package kubelet

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

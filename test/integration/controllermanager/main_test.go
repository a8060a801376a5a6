// Package controllermanager tests the controller-manager against an
// in-process apiserver over etcd, with a test helper playing the kubelet
// (it marks pods Running and Ready and finishes graceful deletions).
package controllermanager

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

// Package admission tests the apiserver's admission plugins against an
// in-process apiserver: ResourceQuota through the real kubectl, LimitRange
// defaults, the default StorageClass, and storage-object-in-use protection
// with the protection controllers running in the test process.
package admission

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

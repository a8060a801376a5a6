// Package scheduler tests the scheduler binary's wiring end to end: an
// in-process apiserver over etcd, the scheduler app (informers, binder,
// status patches, events, evictions) and Node objects without kubelets.
package scheduler

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

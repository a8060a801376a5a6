// Package metrics tests the apiserver's built-in metrics.k8s.io API and
// nodes/proxy against a fake HTTPS kubelet serving a canned summary: the
// raw API, discovery, the real `kubectl top`, our `ctl top`, and the
// controller-manager's autoscaler scaling a Deployment from PodMetrics.
package metrics

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

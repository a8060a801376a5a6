// Package cloudlb tests the cloud-controller-manager's service loop with
// the local provider against an in-process apiserver: a LoadBalancer
// Service gets an address, a client on the machine reaches the node port
// through it, and deleting the Service frees the address.
package cloudlb

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

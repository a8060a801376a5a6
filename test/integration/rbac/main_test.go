// Package rbac tests RBAC authorization (--authorization-mode=Node,RBAC)
// end to end on an in-process apiserver: the system:masters bypass,
// Kubernetes' 403 wording, bindings taking effect, resourceNames, the
// bootstrap policy, SelfSubjectRulesReview, the Node mode and the real
// kubectl's `auth can-i`.
package rbac

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

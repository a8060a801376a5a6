// Package rest tests the apiserver's REST surface end to end through the
// real handler chain, registry and etcd: CRUD in JSON and protobuf,
// conflicts, validation, pagination, patches, server-side apply, Tables,
// subresources, ClusterIP allocation, finalizers, bad input and the
// bootstrap objects.
package rest

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

// Package discovery tests the apiserver's non-resource surface through the
// real handler chain: health with the etcd check, /version, discovery
// (legacy and aggregated), --runtime-config, OpenAPI, metrics and
// authentication.
package discovery

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

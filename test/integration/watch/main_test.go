// Package watch tests watches through the whole apiserver: events after a
// resourceVersion, 410 Gone for compacted revisions, and the streamed
// JSON format.
package watch

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

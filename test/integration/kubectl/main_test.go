// Package kubectl runs the real kubectl (on PATH) against an in-process
// apiserver: create (protobuf bodies), apply client- and server-side, get
// in several output formats, label, annotate, patch, delete,
// api-resources, explain and get -w.
package kubectl

import (
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestMain(m *testing.M) { framework.EtcdMain(m) }

package etcd3_test

import (
	"os"
	"testing"

	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storagetest.Shutdown()
	os.Exit(code)
}

package kubelet

import (
	"net"
	"testing"

	"keel.dev/apimachinery/pkg/util/intstr"
)

func intOrStr(port int) intstr.IntOrString { return intstr.FromInt32(int32(port)) }

// freePort returns a TCP port free on 127.0.0.1 at the time of the call.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

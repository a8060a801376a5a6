// Package framework runs the apiserver in-process for integration tests.
//
//	func TestMain(m *testing.M) { framework.EtcdMain(m) }
//
//	func TestX(t *testing.T) {
//		s := framework.StartTestServer(t)
//		resp, body := s.Do(t, "GET", "/api/v1/namespaces", nil)
//	}
//
// EtcdMain starts one embedded etcd for the test binary; StartTestServer
// starts an apiserver over it on 127.0.0.1:<free port> with a fresh etcd
// key prefix, a temporary certificate directory and an admin kubeconfig,
// and stops it when the test ends.
package framework

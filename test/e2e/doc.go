// Package e2e holds Keel's end-to-end tests: a real one-node cluster,
// started by hack/local-up.sh exactly as `make up DETACH=1` starts it
// (apiserver with embedded etcd, controller-manager, scheduler,
// cloud-controller-manager, kubelet on containerd, proxy), driven by the
// real kubectl on PATH and by our ctl.
//
// The suite needs root (it runs containerd and programs iptables); as
// another user it skips and says why. It refuses to start when a local
// cluster already holds the ports (6443, 10250, ...). With
// KEEL_E2E_KUBECONFIG set it drives that existing cluster instead (and
// KEEL_E2E_LOCAL_DIR names its LOCAL_DIR, needed to kill and restart the
// kubelet). Each test works in a namespace of its own.
//
//	go test -count=1 -v ./test/e2e/                       # the whole suite
//	go test -count=1 -v ./test/e2e/ -run 'TestE2E/parallel/Job$'
package e2e

package e2e

import "testing"

// TestE2E starts one cluster and runs every end-to-end test against it: the
// independent ones in parallel, then the ones that disturb the whole node.
func TestE2E(t *testing.T) {
	c := startCluster(t)
	t.Logf("node %s (%s), kubeconfig %s", c.node, c.nodeIP, c.kubeconfig)
	parallel := []struct {
		name string
		fn   func(*testing.T, *cluster)
	}{
		// The slowest first, so that they start at once.
		{"CronJob", testCronJob},
		{"Deployment", testDeployment},
		{"Services", testServices},
		{"LogsExecPortForward", testLogsExecPortForward},
		{"ConfigMapAndSecret", testConfigMapAndSecret},
		{"LivenessRestart", testLivenessRestart},
		{"ProbeEvents", testProbeEvents},
		{"OOMKilled", testOOMKilled},
		{"PodHTTPS", testPodHTTPS},
		{"Job", testJob},
		{"DaemonSet", testDaemonSet},
		{"StatefulSetOrder", testStatefulSetOrder},
		{"NamespaceDeletion", testNamespaceDeletion},
		{"BadInput", testBadInput},
		{"Ctl", testCtl},
		{"RBAC", testRBAC},
	}
	t.Run("parallel", func(t *testing.T) {
		for _, tc := range parallel {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(t, c)
			})
		}
	})
	t.Run("KubeletRestart", func(t *testing.T) { testKubeletRestart(t, c) })
}

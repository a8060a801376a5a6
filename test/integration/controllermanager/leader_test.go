package controllermanager

import (
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/controller-manager/app"
)

func TestLeaderElectionTakesTheLeaseBeforeRunningControllers(t *testing.T) {
	c := startCluster(t, func(o *app.Options) {
		o.LeaderElect = true
		o.LeaseDuration, o.RenewDeadline, o.RetryPeriod = 3*time.Second, 2*time.Second, 500*time.Millisecond
	})
	waitFor(t, 20*time.Second, "the kube-controller-manager lease has a holder", func() (bool, error) {
		l, err := c.cs.CoordinationV1().Leases("kube-system").Get(c.ctx, "kube-controller-manager", metav1.GetOptions{})
		return err == nil && l.Spec.HolderIdentity != nil && *l.Spec.HolderIdentity != "", err
	})
	ns := c.namespace(t, "leader")
	if _, err := c.cs.AppsV1().Deployments(ns).Create(c.ctx, newDeployment(ns, "web", 1, "nginx"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.waitRolledOut(t, ns, "web", 30*time.Second)
}

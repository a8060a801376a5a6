package app

import (
	"context"

	"keel.dev/keel/pkg/controller/clusterroleaggregation"
)

// rbacBuiltins lists the RBAC controllers, registered beside the other
// built-ins.
func rbacBuiltins() map[string]InitFunc {
	return map[string]InitFunc{
		clusterroleaggregation.Name: startClusterRoleAggregation,
	}
}

func startClusterRoleAggregation(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := clusterroleaggregation.New(c.Client, c.Informers, clusterroleaggregation.Options{
		Metrics: c.QueueMetrics(clusterroleaggregation.Name), Logger: logger(ctx),
	})
	// Kubernetes runs this controller with a fixed five workers and no
	// --concurrent-*-syncs flag.
	runInBackground(ctx, clusterroleaggregation.Name, func(ctx context.Context) error {
		return ctrl.Run(ctx, c.Workers(clusterroleaggregation.Name, 5))
	})
	return true, nil
}

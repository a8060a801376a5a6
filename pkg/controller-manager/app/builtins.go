package app

import (
	"context"
	"fmt"

	"keel.dev/client/informers"

	"keel.dev/keel/pkg/controller/deployment"
	"keel.dev/keel/pkg/controller/garbagecollector"
	"keel.dev/keel/pkg/controller/namespace"
	"keel.dev/keel/pkg/controller/replicaset"
)

// builtins lists the core controllers, one line per controller; the rest
// are in moreBuiltins (builtins_more.go).
func builtins() map[string]InitFunc {
	return map[string]InitFunc{
		"replicaset":            startReplicaSet,
		"replicationcontroller": startReplicationController,
		"deployment":            startDeployment,
		"garbagecollector":      startGarbageCollector,
		"namespace":             startNamespace,
	}
}

// runInBackground runs a controller's Run until ctx ends.
func runInBackground(ctx context.Context, name string, run func(context.Context) error) {
	go func() {
		if err := run(ctx); err != nil {
			logger(ctx).Error("controller stopped", "controller", name, "err", err)
		}
	}()
}

func startReplicaSet(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := replicaset.New(c.Client, informers.ReplicaSets(c.Informers), informers.Pods(c.Informers), replicaset.Options{
		Recorder: c.Recorder("replicaset-controller"), Clock: c.Clock, Metrics: c.QueueMetrics("replicaset"),
	})
	runInBackground(ctx, "replicaset", func(ctx context.Context) error { return ctrl.Run(ctx, c.Workers("replicaset", 5)) })
	return true, nil
}

func startReplicationController(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := replicaset.NewForReplicationControllers(c.Client, informers.ReplicationControllers(c.Informers), informers.Pods(c.Informers), replicaset.Options{
		Recorder: c.Recorder("replication-controller"), Clock: c.Clock, Metrics: c.QueueMetrics("replicationcontroller"),
	})
	runInBackground(ctx, "replicationcontroller", func(ctx context.Context) error {
		return ctrl.Run(ctx, c.Workers("replicationcontroller", 5))
	})
	return true, nil
}

func startDeployment(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := deployment.New(c.Client, informers.Deployments(c.Informers), informers.ReplicaSets(c.Informers), informers.Pods(c.Informers), deployment.Options{
		Recorder: c.Recorder("deployment-controller"), Clock: c.Clock, Metrics: c.QueueMetrics("deployment"),
	})
	runInBackground(ctx, "deployment", func(ctx context.Context) error { return ctrl.Run(ctx, c.Workers("deployment", 5)) })
	return true, nil
}

func startGarbageCollector(ctx context.Context, c ControllerContext) (bool, error) {
	if c.Dynamic == nil {
		return false, fmt.Errorf("garbage collector needs a dynamic client")
	}
	gc, err := garbagecollector.New(c.Client, c.Dynamic, c.Informers, garbagecollector.Options{
		Clock: c.Clock, Metrics: c.QueueMetrics("garbagecollector"),
	})
	if err != nil {
		return false, err
	}
	runInBackground(ctx, "garbagecollector", func(ctx context.Context) error { return gc.Run(ctx, c.Workers("garbagecollector", 20)) })
	return true, nil
}

func startNamespace(ctx context.Context, c ControllerContext) (bool, error) {
	if c.Dynamic == nil {
		return false, fmt.Errorf("namespace controller needs a dynamic client")
	}
	ctrl := namespace.New(c.Client, c.Dynamic, informers.Namespaces(c.Informers), namespace.Options{
		Clock: c.Clock, Metrics: c.QueueMetrics("namespace"),
	})
	runInBackground(ctx, "namespace", func(ctx context.Context) error { return ctrl.Run(ctx, c.Workers("namespace", 10)) })
	return true, nil
}

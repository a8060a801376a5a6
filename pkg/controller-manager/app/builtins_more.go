package app

import (
	"context"

	"keel.dev/client/record"

	"keel.dev/keel/pkg/controller/cronjob"
	"keel.dev/keel/pkg/controller/daemonset"
	"keel.dev/keel/pkg/controller/endpoints"
	"keel.dev/keel/pkg/controller/endpointslice"
	"keel.dev/keel/pkg/controller/job"
	"keel.dev/keel/pkg/controller/nodeipam"
	"keel.dev/keel/pkg/controller/nodelifecycle"
	"keel.dev/keel/pkg/controller/podgc"
	"keel.dev/keel/pkg/controller/serviceaccount"
	"keel.dev/keel/pkg/controller/statefulset"
	"keel.dev/keel/pkg/controller/ttlafterfinished"
)

// moreBuiltins lists the built-in workload, node and policy controllers
// that live beside the core ones in builtins(); one line per controller.
func moreBuiltins() map[string]InitFunc {
	return map[string]InitFunc{
		"endpointslice":      startEndpointSlice,
		"endpoints":          startEndpoints,
		"serviceaccount":     startServiceAccount,
		"nodeipam":           startNodeIPAM,
		"nodelifecycle":      startNodeLifecycle,
		"job":                startJob,
		"daemonset":          startDaemonSet,
		"statefulset":        startStatefulSet,
		"cronjob":            startCronJob,
		"ttl-after-finished": startTTLAfterFinished,
		"podgc":              startPodGC,
	}
}

func startEndpointSlice(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := endpointslice.New(c.Client, c.Informers, endpointslice.Options{Clock: c.Clock, Metrics: c.QueueMetrics("endpointslice")})
	go func() { _ = ctrl.Run(ctx, c.Workers("endpointslice", 5)) }()
	return true, nil
}

func startEndpoints(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := endpoints.New(c.Client, c.Informers, endpoints.Options{Clock: c.Clock, Metrics: c.QueueMetrics("endpoints")})
	go func() { _ = ctrl.Run(ctx, c.Workers("endpoints", 5)) }()
	return true, nil
}

func startServiceAccount(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := serviceaccount.New(c.Client, c.Informers, serviceaccount.Options{Metrics: c.QueueMetrics("serviceaccount")})
	go func() { _ = ctrl.Run(ctx, c.Workers("serviceaccount", 1)) }()
	return true, nil
}

func startNodeIPAM(ctx context.Context, c ControllerContext) (bool, error) {
	if c.Options != nil && !c.Options.AllocateNodeCIDRs {
		return false, nil
	}
	opts := nodeipam.Options{Recorder: recorderFor(c, "node-ipam-controller"), Metrics: c.QueueMetrics("nodeipam")}
	if c.Options != nil {
		opts.ClusterCIDR, opts.NodeCIDRMaskSize = c.Options.ClusterCIDR, c.Options.NodeCIDRMaskSize
	}
	ctrl, err := nodeipam.New(c.Client, c.Informers, opts)
	if err != nil {
		return false, err
	}
	go func() { _ = ctrl.Run(ctx, c.Workers("nodeipam", 1)) }()
	return true, nil
}

func startNodeLifecycle(ctx context.Context, c ControllerContext) (bool, error) {
	opts := nodelifecycle.Options{Clock: c.Clock, Recorder: recorderFor(c, "node-controller"), Metrics: c.QueueMetrics("nodelifecycle")}
	if c.Options != nil {
		opts.GracePeriod, opts.MonitorPeriod = c.Options.NodeMonitorGracePeriod, c.Options.NodeMonitorPeriod
		c.Options.NodeLifecycleOptions.apply(&opts)
	}
	ctrl := nodelifecycle.New(c.Client, c.Informers, opts)
	go func() { _ = ctrl.Run(ctx, c.Workers("nodelifecycle", 1)) }()
	return true, nil
}

func startJob(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := job.New(c.Client, c.Informers, job.Options{Clock: c.Clock, Recorder: recorderFor(c, "job-controller"), Metrics: c.QueueMetrics("job")})
	go func() { _ = ctrl.Run(ctx, c.Workers("job", 5)) }()
	return true, nil
}

func startDaemonSet(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := daemonset.New(c.Client, c.Informers, daemonset.Options{Clock: c.Clock, Recorder: recorderFor(c, "daemonset-controller"), Metrics: c.QueueMetrics("daemonset")})
	go func() { _ = ctrl.Run(ctx, c.Workers("daemonset", 2)) }()
	return true, nil
}

func startStatefulSet(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := statefulset.New(c.Client, c.Informers, statefulset.Options{Clock: c.Clock, Recorder: recorderFor(c, "statefulset-controller"), Metrics: c.QueueMetrics("statefulset")})
	go func() { _ = ctrl.Run(ctx, c.Workers("statefulset", 5)) }()
	return true, nil
}

func startCronJob(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := cronjob.New(c.Client, c.Informers, cronjob.Options{Clock: c.Clock, Recorder: recorderFor(c, "cronjob-controller"), Metrics: c.QueueMetrics("cronjob")})
	go func() { _ = ctrl.Run(ctx, c.Workers("cronjob", 5)) }()
	return true, nil
}

func startTTLAfterFinished(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := ttlafterfinished.New(c.Client, c.Informers, ttlafterfinished.Options{Clock: c.Clock, Metrics: c.QueueMetrics("ttlafterfinished")})
	go func() { _ = ctrl.Run(ctx, c.Workers("ttlafterfinished", 5)) }()
	return true, nil
}

func startPodGC(ctx context.Context, c ControllerContext) (bool, error) {
	opts := podgc.Options{Clock: c.Clock}
	if c.Options != nil {
		opts.TerminatedPodThreshold = c.Options.TerminatedPodGCThreshold
		if opts.TerminatedPodThreshold == 0 {
			opts.TerminatedPodThreshold = -1 // 0 disables the terminated-pod sweep, as in Kubernetes.
		}
	}
	ctrl := podgc.New(c.Client, c.Informers, opts)
	go func() { _ = ctrl.Run(ctx, 1) }()
	return true, nil
}

// recorderFor returns the event recorder of component, or nil without one.
func recorderFor(c ControllerContext, component string) record.EventRecorder {
	if c.Recorder == nil {
		return nil
	}
	return c.Recorder(component)
}

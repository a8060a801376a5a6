package kubelet

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/keel/pkg/kubelet/logrotate"
	"keel.dev/keel/pkg/kubelet/podworker"
	"keel.dev/keel/pkg/kubelet/server"
	"keel.dev/keel/pkg/kubelet/staticpod"
	"keel.dev/keel/pkg/kubelet/stats"
)

// This file wires the node services of issue 7 into Run: static pods from
// the manifest directory, the stats provider behind /stats/summary and
// container log rotation.

// newStaticPods creates the static pod manager when a manifest directory
// is configured (before the pod workers, whose status sink it wraps).
func (k *Kubelet) newStaticPods() {
	if k.cfg.PodManifestPath == "" {
		return
	}
	k.static = staticpod.New(staticpod.Config{
		Dir: k.cfg.PodManifestPath, NodeName: k.cfg.Node.NodeName, Workers: staticWorkers{k},
		Client: k.cfg.Client, Mirrors: k.nodePods, CheckPeriod: k.cfg.StaticPodCheckPeriod, ResyncPeriod: k.cfg.FileCheckFrequency, Logger: k.log,
	})
}

// startStaticPods runs the static pods through the pod workers, whether or
// not the apiserver answers.
func (k *Kubelet) startStaticPods(ctx context.Context) {
	if k.static == nil {
		return
	}
	k.static.Load()
	go k.static.Run(ctx)
}

// nodePods lists the API's pods of the node from the informer once synced.
func (k *Kubelet) nodePods() ([]*corev1.Pod, bool) {
	if k.podInf == nil || !k.podInf.HasSynced() {
		return nil, false
	}
	pods, err := k.podInf.Lister().List(labels.Everything())
	return pods, err == nil
}

// staticWorkers hands static pods to the pod workers.
type staticWorkers struct{ k *Kubelet }

// UpdatePod starts, updates or (with a deletion timestamp) stops a static pod.
func (w staticWorkers) UpdatePod(p *corev1.Pod) { w.k.pods.UpdatePod(w.k.prepare(p)) }

// mirrorEvent reports whether an API pod is a mirror pod, which the kubelet
// never runs; its changes trigger a mirror reconciliation instead.
func (k *Kubelet) mirrorEvent(p *corev1.Pod) bool {
	if !staticpod.IsMirror(p) {
		return false
	}
	if k.static != nil {
		k.static.Kick()
	}
	return true
}

// statusSink routes static pods' status to their mirrors.
func (k *Kubelet) statusSink(inner podworker.StatusSink) podworker.StatusSink {
	if k.static == nil {
		return inner
	}
	return k.static.Sink(inner)
}

// serverPods is the kubelet API's pod lookup: the API's pods with static
// pods in place of their mirrors.
func (k *Kubelet) serverPods() server.PodSource {
	var src server.PodSource = podSource{k.podInf.Lister()}
	if k.static != nil {
		src = k.static.Overlay(src)
	}
	return src
}

// startStats starts the sampling stats provider.
func (k *Kubelet) startStats(ctx context.Context) *stats.Provider {
	p := stats.New(stats.Config{Runtime: k.cfg.Runtime, NodeName: k.cfg.Node.NodeName, RootDir: k.cfg.RootDir,
		PodLogsDir: k.cfg.PodLogsDir, Logger: k.log})
	go p.Run(ctx)
	return p
}

// startLogRotation rotates container logs unless disabled by a negative max size.
func (k *Kubelet) startLogRotation(ctx context.Context) error {
	if k.cfg.ContainerLogMaxSize < 0 {
		return nil
	}
	r, err := logrotate.New(logrotate.Config{Runtime: k.cfg.Runtime, MaxSize: k.cfg.ContainerLogMaxSize,
		MaxFiles: k.cfg.ContainerLogMaxFiles, Interval: k.cfg.ContainerLogCheckPeriod, Logger: k.log})
	if err != nil {
		return err
	}
	go r.Run(ctx)
	return nil
}

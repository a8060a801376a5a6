package testing

import (
	"context"

	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins"
	fwruntime "keel.dev/keel/pkg/scheduler/framework/runtime"
)

// NewDefaultFramework builds the default profile over snap.
func NewDefaultFramework(snap framework.SharedLister, api framework.ClusterAPI, nominator framework.PodNominator) (*fwruntime.Framework, error) {
	cfg := &config.KubeSchedulerConfiguration{}
	config.SetDefaults(cfg)
	return fwruntime.New(context.Background(), plugins.NewInTreeRegistry(), &cfg.Profiles[0], fwruntime.Options{Snapshot: snap, API: api, Nominator: nominator})
}

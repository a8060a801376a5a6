package iptables

import (
	"context"
	"fmt"

	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/proxy"
	"keel.dev/keel/pkg/proxy/model"
)

// Backend is the iptables implementation of proxy.Backend.
type Backend struct {
	gen    *Generator
	runner Runner
	hooked bool
}

// NewBackend returns a Backend applying rules through r.
func NewBackend(cfg Config, r Runner) *Backend {
	return &Backend{gen: NewGenerator(cfg), runner: r}
}

// Sync implements proxy.Backend.
func (b *Backend) Sync(ctx context.Context, res *model.Result, changed map[types.NamespacedName]struct{}) (proxy.SyncStats, error) {
	var existing []string
	if changed == nil {
		save, err := b.runner.Save(ctx, "nat")
		if err != nil {
			return proxy.SyncStats{}, fmt.Errorf("list nat chains: %w", err)
		}
		existing = chainsIn(save)
		b.gen.Reset()
	}
	out := b.gen.Generate(res.Services, res.Endpoints, changed, existing)
	if err := b.runner.Restore(ctx, out.Data); err != nil {
		b.gen.Reset()
		return proxy.SyncStats{}, fmt.Errorf("iptables-restore: %w", err)
	}
	b.gen.Commit(out)
	if changed == nil || !b.hooked {
		b.hooked = false
		if err := ensureJumps(ctx, b.runner); err != nil {
			return proxy.SyncStats{}, err
		}
		b.hooked = true
	}
	return proxy.SyncStats{
		Rules:         map[string]int{"nat": out.NATRules, "filter": out.FilterRules},
		ChangedChains: out.ChangedChains,
	}, nil
}

// Cleanup implements proxy.Backend.
func (b *Backend) Cleanup(ctx context.Context) error {
	b.gen.Reset()
	b.hooked = false
	return Cleanup(ctx, b.runner)
}

// NewProxier returns a Proxier in iptables mode; cfg.Backend is set here.
func NewProxier(cfg proxy.Config, ipt Config, r Runner) (*proxy.Proxier, error) {
	cfg.Backend = NewBackend(ipt, r)
	return proxy.New(cfg)
}

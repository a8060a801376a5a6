package eviction

import (
	"context"
)

// ImageReclaimer removes unused images (the kubelet's image garbage
// collector). The manager calls it from its loop, before evicting pods
// for disk pressure.
type ImageReclaimer interface {
	// DeleteUnusedImages removes the images no container uses and
	// returns the bytes freed.
	DeleteUnusedImages(ctx context.Context) (int64, error)
}

// reclaimNodeLevel frees what the node can free without touching pods
// when sig is a disk signal: unused images for imagefs signals, and for
// nodefs signals when images share the node filesystem. It then observes
// the signals again and reports whether every threshold is resolved (its
// minimum reclaim included), in which case no pod needs to be evicted.
func (m *Manager) reclaimNodeLevel(ctx context.Context, sig Signal) bool {
	if m.cfg.Images == nil {
		return false
	}
	switch sig {
	case SignalImageFsAvailable, SignalImageFsInodesFree:
	case SignalNodeFsAvailable, SignalNodeFsInodesFree:
		if d, ok := m.cfg.Signals.(dedicatedImageFs); ok && d.DedicatedImageFs() {
			return false
		}
	default:
		return false
	}
	freed, err := m.cfg.Images.DeleteUnusedImages(ctx)
	if err != nil {
		m.cfg.Logger.Warn("eviction manager: removing unused images failed", "err", err)
	}
	m.cfg.Logger.Info("eviction manager: removed unused images", "signal", sig, "bytesFreed", freed)
	obs, err := m.cfg.Signals.Observe(ctx)
	if err != nil {
		m.cfg.Logger.Warn("eviction manager: observing signals after reclaim failed", "err", err)
		return false
	}
	if len(m.thresholdsMet(obs, true)) > 0 {
		return false
	}
	m.cfg.Logger.Info("eviction manager: able to reduce resource pressure without evicting pods", "signal", sig)
	return true
}

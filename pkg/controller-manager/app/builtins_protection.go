package app

import (
	"context"

	"keel.dev/keel/pkg/controller/volume/protection"
)

// protectionBuiltins lists the storage-object-in-use protection
// controllers, registered beside storageBuiltins().
func protectionBuiltins() map[string]InitFunc {
	return map[string]InitFunc{
		protection.PVCName: startPVCProtection,
		protection.PVName:  startPVProtection,
	}
}

func startPVCProtection(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := protection.NewPVC(c.Client, c.Informers, protection.Options{Metrics: c.QueueMetrics(protection.PVCName)})
	go func() { _ = ctrl.Run(ctx, c.Workers(protection.PVCName, 1)) }()
	return true, nil
}

func startPVProtection(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := protection.NewPV(c.Client, c.Informers, protection.Options{Metrics: c.QueueMetrics(protection.PVName)})
	go func() { _ = ctrl.Run(ctx, c.Workers(protection.PVName, 1)) }()
	return true, nil
}

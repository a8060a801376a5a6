package app

import (
	"context"

	"github.com/spf13/pflag"

	"keel.dev/keel/pkg/controller/volume/localprovisioner"
	"keel.dev/keel/pkg/controller/volume/persistentvolume"
)

// StorageOptions are the flags of the persistent volume controllers.
type StorageOptions struct {
	// LocalVolumeRoot is the node directory local-path volumes live under.
	LocalVolumeRoot string
	// CreateDefaultStorageClass makes the local-path provisioner create the
	// default StorageClass "standard" when it is missing.
	CreateDefaultStorageClass bool
}

// addFlags registers the storage flags on fs.
func (o *StorageOptions) addFlags(fs *pflag.FlagSet) {
	if o.LocalVolumeRoot == "" {
		o.LocalVolumeRoot = localprovisioner.DefaultRoot
	}
	fs.StringVar(&o.LocalVolumeRoot, "local-volume-root", o.LocalVolumeRoot,
		"Directory on the nodes holding volumes of the "+localprovisioner.ProvisionerName+" provisioner; volume directories are removed only when it exists on this machine.")
	fs.BoolVar(&o.CreateDefaultStorageClass, "create-default-storage-class", o.CreateDefaultStorageClass,
		"Create the default StorageClass \""+localprovisioner.DefaultClassName+"\" ("+localprovisioner.ProvisionerName+", WaitForFirstConsumer, Delete) when it does not exist.")
}

// storageBuiltins lists the built-in persistent volume controllers,
// registered beside builtins(), moreBuiltins() and extraBuiltins().
func storageBuiltins() map[string]InitFunc {
	return map[string]InitFunc{
		persistentvolume.Name: startPersistentVolumeBinder,
		localprovisioner.Name: startLocalProvisioner,
	}
}

func startPersistentVolumeBinder(ctx context.Context, c ControllerContext) (bool, error) {
	ctrl := persistentvolume.New(c.Client, c.Informers, persistentvolume.Options{
		Clock: c.Clock, Recorder: recorderFor(c, persistentvolume.EventSource),
		ClaimMetrics: c.QueueMetrics(persistentvolume.Name + "-claims"), VolumeMetrics: c.QueueMetrics(persistentvolume.Name + "-volumes"),
	})
	go func() { _ = ctrl.Run(ctx, c.Workers(persistentvolume.Name, 1)) }()
	return true, nil
}

func startLocalProvisioner(ctx context.Context, c ControllerContext) (bool, error) {
	opts := localprovisioner.Options{
		Recorder:     recorderFor(c, localprovisioner.ProvisionerName),
		ClaimMetrics: c.QueueMetrics(localprovisioner.Name + "-claims"), VolumeMetrics: c.QueueMetrics(localprovisioner.Name + "-volumes"),
	}
	if c.Options != nil {
		opts.Root, opts.CreateDefaultClass = c.Options.LocalVolumeRoot, c.Options.CreateDefaultStorageClass
	}
	ctrl, err := localprovisioner.New(c.Client, c.Informers, opts)
	if err != nil {
		return false, err
	}
	go func() { _ = ctrl.Run(ctx, c.Workers(localprovisioner.Name, 1)) }()
	return true, nil
}

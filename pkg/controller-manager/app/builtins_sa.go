package app

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"keel.dev/keel/pkg/controller/rootcacertpublisher"
)

// ServiceAccountTokenOptions are the flags of the service account token
// controllers.
type ServiceAccountTokenOptions struct {
	// RootCAFile is the CA bundle published as kube-root-ca.crt; empty uses
	// the CA of the kubeconfig.
	RootCAFile string
}

// addFlags registers the service account token flags on fs.
func (o *ServiceAccountTokenOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.RootCAFile, "root-ca-file", o.RootCAFile,
		"CA bundle (PEM) published to every namespace as the ConfigMap "+rootcacertpublisher.ConfigMapName+" for pods to verify the apiserver. Defaults to the CA of the kubeconfig.")
}

// saBuiltins lists the service account token controllers, registered
// beside the other built-ins.
func saBuiltins() map[string]InitFunc {
	return map[string]InitFunc{
		rootcacertpublisher.Name: startRootCACertPublisher,
	}
}

// rootCA returns the CA to publish: --root-ca-file, else the kubeconfig's.
func rootCA(c ControllerContext) ([]byte, error) {
	if c.Options != nil && c.Options.RootCAFile != "" {
		b, err := os.ReadFile(c.Options.RootCAFile)
		if err != nil {
			return nil, fmt.Errorf("--root-ca-file: %w", err)
		}
		return b, nil
	}
	if c.RESTConfig == nil {
		return nil, nil
	}
	if t := c.RESTConfig.TLS; len(t.CAData) > 0 {
		return t.CAData, nil
	} else if t.CAFile != "" {
		b, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("kubeconfig CA: %w", err)
		}
		return b, nil
	}
	return nil, nil
}

func startRootCACertPublisher(ctx context.Context, c ControllerContext) (bool, error) {
	ca, err := rootCA(c)
	if err != nil {
		return false, err
	}
	if len(ca) == 0 {
		// Nothing to publish: the kubeconfig trusts the system roots.
		logger(ctx).Info("no root CA to publish: set --root-ca-file", "controller", rootcacertpublisher.Name)
		return false, nil
	}
	ctrl, err := rootcacertpublisher.New(c.Client, c.Informers, rootcacertpublisher.Options{
		RootCA: ca, Metrics: c.QueueMetrics(rootcacertpublisher.Name),
	})
	if err != nil {
		return false, err
	}
	go func() { _ = ctrl.Run(ctx, c.Workers(rootcacertpublisher.Name, 1)) }()
	return true, nil
}

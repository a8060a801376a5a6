package etcd3

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// ClientConfig locates an etcd cluster.
type ClientConfig struct {
	// Endpoints are the client URLs of the members. Required.
	Endpoints []string
	// CAFile, CertFile and KeyFile enable TLS (--etcd-cafile, --etcd-certfile,
	// --etcd-keyfile); CertFile and KeyFile go together.
	CAFile, CertFile, KeyFile string
	// DialTimeout bounds the first connection; default 20s.
	DialTimeout time.Duration
}

// NewClient connects to the cluster cfg names and checks it answers.
func NewClient(ctx context.Context, cfg ClientConfig) (*clientv3.Client, error) {
	if len(cfg.Endpoints) == 0 {
		return nil, errors.New("etcd client: no endpoints")
	}
	if (cfg.CertFile == "") != (cfg.KeyFile == "") {
		return nil, errors.New("etcd client: certfile and keyfile must be given together")
	}
	c := clientv3.Config{
		Endpoints:          cfg.Endpoints,
		DialTimeout:        cfg.DialTimeout,
		Logger:             zap.NewNop(),
		MaxCallSendMsgSize: 64 << 20,
		Context:            context.WithoutCancel(ctx),
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = 20 * time.Second
	}
	if cfg.CAFile != "" || cfg.CertFile != "" {
		info := transport.TLSInfo{CertFile: cfg.CertFile, KeyFile: cfg.KeyFile, TrustedCAFile: cfg.CAFile}
		tlsCfg, err := info.ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("etcd client TLS: %w", err)
		}
		c.TLS = tlsCfg
	}
	cli, err := clientv3.New(c)
	if err != nil {
		return nil, fmt.Errorf("etcd client for %v: %w", cfg.Endpoints, err)
	}
	hctx, cancel := context.WithTimeout(ctx, c.DialTimeout)
	defer cancel()
	if err := CheckHealth(hctx, cli); err != nil {
		cli.Close()
		return nil, err
	}
	return cli, nil
}

// CheckHealth does a quorum read, the apiserver's "etcd" readiness check.
func CheckHealth(ctx context.Context, cli *clientv3.Client) error {
	if _, err := cli.Get(ctx, "health"); err != nil {
		return fmt.Errorf("etcd health check: %w", err)
	}
	return nil
}

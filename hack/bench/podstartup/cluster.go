package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"
)

// clusterPorts are the fixed ports a local cluster listens on.
var clusterPorts = []int{6443, 10250, 10248, 10257, 10258, 10259, 10249, 10256}

// connect builds a client from the kubeconfig and checks the apiserver answers.
func connect(ctx context.Context, path string) (*typed.Clientset, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	cfg, err := kubeconfig.BuildConfig(path, kubeconfig.Overrides{})
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", path, err)
	}
	// protobuf, as Keel's own components and Kubernetes' load tests use:
	// the load program should cost the apiserver as little as it can.
	cfg.QPS, cfg.Burst, cfg.ContentType = 200, 400, runtime.ContentTypeProtobuf
	cs, err := typed.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := cs.CoreV1().Namespaces().Get(cctx, "default", metav1.GetOptions{}); err != nil {
		return nil, err
	}
	return cs, nil
}

// waitNodeReady waits for a Ready node.
func waitNodeReady(ctx context.Context, cs *typed.Clientset) error {
	for {
		nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err == nil {
			for _, n := range nodes.Items {
				for _, c := range n.Status.Conditions {
					if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
						return nil
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for a Ready node: %w", ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// localCluster is a cluster this program started.
type localCluster struct {
	dir        string
	kubeconfig string
	keep       bool
}

// startLocalCluster runs hack/local-up.sh DETACH=1 in a temporary
// LOCAL_DIR, once the cluster ports are free.
func startLocalCluster(ctx context.Context, keep bool) (*localCluster, error) {
	for _, p := range clusterPorts {
		ln, err := net.Listen("tcp", fmt.Sprintf(":%d", p))
		if err != nil {
			return nil, fmt.Errorf("port %d is taken by another cluster or program; not starting one (use its kubeconfig with -kubeconfig)", p)
		}
		ln.Close()
	}
	dir, err := os.MkdirTemp("", "podstartup-cluster-")
	if err != nil {
		return nil, err
	}
	cl := &localCluster{dir: dir, kubeconfig: filepath.Join(dir, "kubeconfig"), keep: keep}
	logPath := filepath.Join(dir, "local-up.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.CommandContext(ctx, "hack/local-up.sh")
	cmd.Env = append(os.Environ(), "LOCAL_DIR="+dir, "DETACH=1")
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Run(); err != nil {
		_ = cl.stop()
		return nil, fmt.Errorf("hack/local-up.sh failed (log: %s): %w", logPath, err)
	}
	fmt.Printf("podstartup: local cluster up in %s (LOCAL_DIR=%s)\n", time.Since(start).Round(100*time.Millisecond), dir)
	return cl, nil
}

// stop runs hack/local-down.sh for the cluster and removes its directory.
func (c *localCluster) stop() error {
	cmd := exec.Command("hack/local-down.sh")
	cmd.Env = append(os.Environ(), "LOCAL_DIR="+c.dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("hack/local-down.sh: %w: %s", err, out)
	}
	if !c.keep {
		_ = os.RemoveAll(c.dir)
	}
	return nil
}

// Command localcri is the CRI side of `make up` / `make down`:
//
//	localcri check -endpoint SOCK -sandbox-image IMAGE
//	localcri cleanup -endpoint SOCK -log-dir DIR
//
// check exits 0 when the runtime answers and its CRI config fits a Keel
// node (the sandbox image and restrict_oom_score_adj), 3 with the reason on
// stdout when it answers but does not fit, and 1 when it does not answer.
// cleanup stops and removes every pod sandbox (and so its containers and
// network) whose log directory lies under DIR, i.e. the pods of the kubelet
// started with --pod-logs-dir DIR, leaving other sandboxes alone.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
)

// errUnsuitable marks a runtime that answers with a config Keel cannot use.
var errUnsuitable = errors.New("unsuitable")

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	endpoint := fs.String("endpoint", "/run/containerd/containerd.sock", "CRI socket")
	image := fs.String("sandbox-image", "keel.local/pause:3", "sandbox image the runtime must be configured with")
	logDir := fs.String("log-dir", "", "pod log directory of the kubelet whose sandboxes are removed")
	_ = fs.Parse(os.Args[2:])
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var err error
	switch os.Args[1] {
	case "check":
		err = check(ctx, *endpoint, *image)
	case "cleanup":
		if *logDir == "" {
			usage()
		}
		err = cleanup(ctx, *endpoint, *logDir)
	default:
		usage()
	}
	switch {
	case errors.Is(err, errUnsuitable):
		fmt.Println(strings.TrimSuffix(err.Error(), ": "+errUnsuitable.Error()))
		os.Exit(3)
	case err != nil:
		fmt.Fprintln(os.Stderr, "localcri:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: localcri check -endpoint SOCK -sandbox-image IMAGE | cleanup -endpoint SOCK -log-dir DIR")
	os.Exit(2)
}

func dial(ctx context.Context, endpoint string) (*cri.Client, error) {
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return cri.Dial(dctx, endpoint)
}

// check reports whether the runtime's CRI config fits a Keel node.
func check(ctx context.Context, endpoint, image string) error {
	c, err := dial(ctx, endpoint)
	if err != nil {
		return err
	}
	defer c.Close()
	st, err := c.Status(ctx, &runtimeapi.StatusRequest{Verbose: true})
	if err != nil {
		return fmt.Errorf("CRI status: %w", err)
	}
	var cfg struct {
		SandboxImage        string `json:"sandboxImage"`
		RestrictOOMScoreAdj bool   `json:"restrictOOMScoreAdj"`
	}
	if err := json.Unmarshal([]byte(st.Info["config"]), &cfg); err != nil {
		return fmt.Errorf("no CRI config in the runtime's status: %w", errUnsuitable)
	}
	var problems []string
	if cfg.SandboxImage != image {
		problems = append(problems, fmt.Sprintf("sandbox_image is %q, not %q", cfg.SandboxImage, image))
	}
	if !cfg.RestrictOOMScoreAdj {
		problems = append(problems, "restrict_oom_score_adj is false")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %w", strings.Join(problems, " and "), errUnsuitable)
	}
	return nil
}

// cleanup stops and removes the sandboxes whose log directory is under dir.
func cleanup(ctx context.Context, endpoint, dir string) error {
	c, err := dial(ctx, endpoint)
	if err != nil {
		return err
	}
	defer c.Close()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	list, err := c.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{})
	if err != nil {
		return fmt.Errorf("list sandboxes: %w", err)
	}
	var errs []error
	removed := 0
	for _, sb := range list.Items {
		logDir, err := sandboxLogDir(ctx, c, sb.Id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if logDir != abs && !strings.HasPrefix(logDir, abs+string(filepath.Separator)) {
			continue
		}
		if _, err := c.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.Id}); err != nil {
			errs = append(errs, fmt.Errorf("stop sandbox %s: %w", sb.Id, err))
			continue
		}
		if _, err := c.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.Id}); err != nil {
			errs = append(errs, fmt.Errorf("remove sandbox %s: %w", sb.Id, err))
			continue
		}
		removed++
	}
	fmt.Printf("removed %d pod sandbox(es) with their containers\n", removed)
	return errors.Join(errs...)
}

// sandboxLogDir reads a sandbox's log directory from its verbose status.
func sandboxLogDir(ctx context.Context, c *cri.Client, id string) (string, error) {
	st, err := c.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: id, Verbose: true})
	if err != nil {
		return "", fmt.Errorf("status of sandbox %s: %w", id, err)
	}
	var info struct {
		Config struct {
			LogDirectory  string `json:"log_directory"`
			LogDirectory2 string `json:"logDirectory"`
		} `json:"config"`
	}
	if raw, ok := st.Info["info"]; ok {
		if err := json.Unmarshal([]byte(raw), &info); err != nil {
			return "", fmt.Errorf("info of sandbox %s: %w", id, err)
		}
	}
	if info.Config.LogDirectory != "" {
		return info.Config.LogDirectory, nil
	}
	return info.Config.LogDirectory2, nil
}

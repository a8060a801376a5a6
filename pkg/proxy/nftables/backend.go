package nftables

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"

	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/proxy"
	"keel.dev/keel/pkg/proxy/model"
)

// Runner applies nft scripts.
type Runner interface {
	// Apply runs `nft -f -` with script as one transaction.
	Apply(ctx context.Context, script []byte) error
	// List returns `nft list table` output for the proxy's table.
	List(ctx context.Context, table string) ([]byte, error)
}

// ExecRunner runs the nft binary, optionally behind a prefix such as
// `ip netns exec NAME`.
type ExecRunner struct{ Prefix []string }

func (r *ExecRunner) run(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	argv := append(append(slices.Clone(r.Prefix), "nft"), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Apply implements Runner.
func (r *ExecRunner) Apply(ctx context.Context, script []byte) error {
	_, err := r.run(ctx, script, "-f", "-")
	return err
}

// List implements Runner.
func (r *ExecRunner) List(ctx context.Context, table string) ([]byte, error) {
	return r.run(ctx, nil, "list", "table", table)
}

// FakeRunner records scripts; for tests.
type FakeRunner struct {
	mu      sync.Mutex
	Scripts [][]byte
	// Fail makes the next Apply return this error.
	Fail error
}

// Apply implements Runner.
func (f *FakeRunner) Apply(_ context.Context, script []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Fail; err != nil {
		f.Fail = nil
		return err
	}
	f.Scripts = append(f.Scripts, slices.Clone(script))
	return nil
}

// List implements Runner.
func (f *FakeRunner) List(context.Context, string) ([]byte, error) { return nil, nil }

// CleanupScript removes the proxy's table; it succeeds whether or not the
// table exists.
func CleanupScript(cfg Config) []byte {
	t := cfg.family().table
	return []byte("add table " + t + "\ndelete table " + t + "\n")
}

// Backend is the nftables implementation of proxy.Backend.
type Backend struct {
	cfg    Config
	gen    *Generator
	runner Runner
}

// NewBackend returns a Backend applying scripts through r.
func NewBackend(cfg Config, r Runner) *Backend {
	return &Backend{cfg: cfg, gen: NewGenerator(cfg), runner: r}
}

// Sync implements proxy.Backend.
func (b *Backend) Sync(ctx context.Context, res *model.Result, changed map[types.NamespacedName]struct{}) (proxy.SyncStats, error) {
	if changed == nil {
		b.gen.Reset()
	}
	out := b.gen.Generate(res.Services, res.Endpoints, changed)
	if err := b.runner.Apply(ctx, out.Data); err != nil {
		b.gen.Reset()
		return proxy.SyncStats{}, fmt.Errorf("nft -f: %w", err)
	}
	b.gen.Commit(out)
	return proxy.SyncStats{Rules: map[string]int{TableName: out.Rules}, ChangedChains: out.ChangedChains}, nil
}

// Cleanup implements proxy.Backend.
func (b *Backend) Cleanup(ctx context.Context) error {
	b.gen.Reset()
	if err := b.runner.Apply(ctx, CleanupScript(b.cfg)); err != nil {
		return fmt.Errorf("delete nftables table: %w", err)
	}
	return nil
}

// NewProxier returns a Proxier in nftables mode; cfg.Backend is set here.
func NewProxier(cfg proxy.Config, nft Config, r Runner) (*proxy.Proxier, error) {
	cfg.Backend = NewBackend(nft, r)
	return proxy.New(cfg)
}

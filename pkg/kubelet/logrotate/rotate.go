package logrotate

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
)

// Defaults, as in Kubernetes.
const (
	DefaultMaxSize  = 10 << 20
	DefaultMaxFiles = 5
	DefaultInterval = 10 * time.Second
	// timestampFormat names rotated files.
	timestampFormat = "20060102-150405"
	compressSuffix  = ".gz"
	tmpSuffix       = ".tmp"
)

// Config configures a Rotator.
type Config struct {
	Runtime cri.Service
	// MaxSize is the size in bytes a live log may reach before rotation.
	MaxSize int64
	// MaxFiles is how many files a container keeps, the live one included (>= 2).
	MaxFiles int
	// Interval is how often logs are checked (10 s).
	Interval time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
}

// Rotator rotates container logs.
type Rotator struct {
	cfg Config
}

// New returns a Rotator, filling in defaults; it fails on limits Kubernetes
// rejects too.
func New(cfg Config) (*Rotator, error) {
	if cfg.MaxSize == 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	if cfg.MaxFiles == 0 {
		cfg.MaxFiles = DefaultMaxFiles
	}
	if cfg.MaxSize < 0 {
		return nil, fmt.Errorf("container log max size must not be negative")
	}
	if cfg.MaxFiles < 2 {
		return nil, fmt.Errorf("container log max files must be at least 2, not %d", cfg.MaxFiles)
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Rotator{cfg: cfg}, nil
}

// Run rotates every Interval until ctx ends.
func (r *Rotator) Run(ctx context.Context) {
	t := time.NewTicker(r.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := r.RotateAll(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Logger.Warn("container log rotation", "err", err)
		}
	}
}

// RotateAll makes one pass over the running containers' logs.
func (r *Rotator) RotateAll(ctx context.Context) error {
	resp, err := r.cfg.Runtime.ListContainers(ctx, &runtimeapi.ListContainersRequest{Filter: &runtimeapi.ContainerFilter{
		State: &runtimeapi.ContainerStateValue{State: runtimeapi.ContainerState_CONTAINER_RUNNING}}})
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	var errs []error
	for _, c := range resp.Containers {
		st, err := r.cfg.Runtime.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: c.Id})
		if err != nil {
			continue // gone meanwhile
		}
		path := st.GetStatus().GetLogPath()
		if path == "" || st.GetStatus().GetState() != runtimeapi.ContainerState_CONTAINER_RUNNING {
			continue
		}
		if err := r.rotate(ctx, c.Id, path); err != nil {
			errs = append(errs, fmt.Errorf("container %s: %w", c.Id, err))
		}
	}
	return errors.Join(errs...)
}

// rotate keeps one container's log within limits.
func (r *Rotator) rotate(ctx context.Context, id, path string) error {
	if err := r.cleanup(path, r.cfg.MaxFiles-1); err != nil {
		return err
	}
	info, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			// a rotation whose reopen failed earlier: ask again.
			_, rerr := r.cfg.Runtime.ReopenContainerLog(ctx, &runtimeapi.ReopenContainerLogRequest{ContainerId: id})
			return rerr
		}
		return err
	}
	if info.Size() < r.cfg.MaxSize {
		return nil
	}
	// make room for the file about to be rotated.
	if err := r.cleanup(path, r.cfg.MaxFiles-2); err != nil {
		return err
	}
	rotated := r.rotatedName(path)
	if err := os.Rename(path, rotated); err != nil {
		return fmt.Errorf("rename log: %w", err)
	}
	if _, err := r.cfg.Runtime.ReopenContainerLog(ctx, &runtimeapi.ReopenContainerLogRequest{ContainerId: id}); err != nil {
		// keep the container writing where readers look.
		if rerr := os.Rename(rotated, path); rerr != nil {
			return fmt.Errorf("reopen log: %w (and restoring %s: %v)", err, path, rerr)
		}
		return fmt.Errorf("reopen log: %w", err)
	}
	r.cfg.Logger.Debug("rotated container log", "container", id, "path", rotated)
	return r.cleanup(path, r.cfg.MaxFiles-1)
}

// rotatedName is path.<timestamp>, made unique within the second.
func (r *Rotator) rotatedName(path string) string {
	base := path + "." + r.cfg.Now().Format(timestampFormat)
	name := base
	for i := 1; exists(name) || exists(name+compressSuffix); i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return name
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// rotatedFiles returns path's rotated files, oldest first; leftover
// temporary files are removed.
func rotatedFiles(path string) ([]string, error) {
	matches, err := filepath.Glob(globEscape(path) + ".*")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matches {
		if strings.HasSuffix(m, tmpSuffix) {
			_ = os.Remove(m)
			continue
		}
		out = append(out, m)
	}
	key := func(s string) string { return strings.TrimSuffix(strings.TrimPrefix(s, path+"."), compressSuffix) }
	sort.Slice(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out, nil
}

// globEscape quotes the glob metacharacters of a literal path.
func globEscape(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanup keeps at most keep rotated files (deleting the oldest) and
// compresses all but the newest.
func (r *Rotator) cleanup(path string, keep int) error {
	files, err := rotatedFiles(path)
	if err != nil {
		return err
	}
	for len(files) > keep && len(files) > 0 {
		if err := os.Remove(files[0]); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("remove old log: %w", err)
		}
		files = files[1:]
	}
	for i, f := range files {
		if i == len(files)-1 || strings.HasSuffix(f, compressSuffix) {
			continue
		}
		if err := compress(f); err != nil {
			return err
		}
	}
	return nil
}

// compress replaces f by f.gz.
func compress(f string) error {
	in, err := os.Open(f)
	if err != nil {
		return fmt.Errorf("compress log: %w", err)
	}
	defer in.Close()
	tmp := f + compressSuffix + tmpSuffix
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("compress log: %w", err)
	}
	zw := gzip.NewWriter(out)
	_, err = io.Copy(zw, in)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, f+compressSuffix)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("compress log %s: %w", f, err)
	}
	return os.Remove(f)
}

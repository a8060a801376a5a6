package images

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"sync"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/cri"
)

// Event reasons on the Node, as in Kubernetes.
const (
	ReasonImageGCFailed       = "ImageGCFailed"
	ReasonFreeDiskSpaceFailed = "FreeDiskSpaceFailed"
	ReasonInvalidDiskCapacity = "InvalidDiskCapacity"
	freeDiskSpaceFailedFmt    = "Failed to garbage collect required amount of images. Attempted to free %d bytes, but only found %d bytes eligible to free."
	invalidCapacityMessage    = "invalid capacity 0 on image filesystem"
	// callTimeout bounds each CRI call of a pass.
	callTimeout = 2 * time.Minute
)

// Recorder records events about the node.
type Recorder interface {
	NodeEvent(eventType, reason, message string)
}

// FsStats is the size of the image filesystem.
type FsStats struct {
	Capacity   int64
	Available  int64
	Mountpoint string
}

// FsStatsFunc measures the image filesystem; the manager calls it once
// per pass.
type FsStatsFunc func(ctx context.Context) (FsStats, error)

// Config configures a Manager.
type Config struct {
	// Runtime lists and removes images and lists containers.
	Runtime cri.Service
	Policy  Policy
	// PinnedImages are image references never removed, on top of the
	// images the runtime reports pinned: the kubelet's sandbox image,
	// which runtimes older than containerd 1.7 do not pin.
	PinnedImages []string
	// FsStats measures the image filesystem; nil uses CRIFsStats.
	FsStats FsStatsFunc
	// Recorder gets the Node events; nil drops them.
	Recorder Recorder
	// Period is the time between passes (DefaultPeriod when 0).
	Period time.Duration
	Clock  clock.Clock
	Logger *slog.Logger
}

// record is what the manager remembers of one image.
type record struct {
	name      string
	firstSeen time.Time
	// lastUsed is when a container last referred to the image (zero: never seen in use).
	lastUsed time.Time
	size     int64
}

// candidate is an unused, unpinned image that may be removed.
type candidate struct {
	id string
	record
}

// Manager removes unused images. GarbageCollect and DeleteUnusedImages are
// safe for concurrent use; passes run one at a time.
type Manager struct {
	cfg Config
	log *slog.Logger

	// pass serializes passes.
	pass    sync.Mutex
	records map[string]*record
}

// New returns a manager for a valid policy, filling in defaults.
func New(cfg Config) (*Manager, error) {
	if cfg.Runtime == nil {
		return nil, errors.New("image gc: a runtime is required")
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("image gc policy: %w", err)
	}
	if cfg.FsStats == nil {
		cfg.FsStats = CRIFsStats(cfg.Runtime)
	}
	if cfg.Recorder == nil {
		cfg.Recorder = nopRecorder{}
	}
	if cfg.Period <= 0 {
		cfg.Period = DefaultPeriod
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Manager{cfg: cfg, log: cfg.Logger.With("component", "image-gc"), records: map[string]*record{}}, nil
}

type nopRecorder struct{}

func (nopRecorder) NodeEvent(string, string, string) {}

// Run makes a pass at once and then every period until ctx ends. As in
// Kubernetes, a single failure is only logged (the runtime may still be
// starting) and consecutive failures are reported as ImageGCFailed
// events. It returns at once when the policy turns periodic passes off.
func (m *Manager) Run(ctx context.Context) {
	if !m.cfg.Policy.Periodic() {
		m.log.Info("image garbage collection disabled: high threshold is 100% and no maximum age is set")
		return
	}
	failed := false
	for {
		failed = m.collect(ctx, failed)
		select {
		case <-ctx.Done():
			return
		case <-m.cfg.Clock.After(m.cfg.Period):
		}
	}
}

// collect makes one periodic pass and reports its outcome; failedBefore
// says whether the previous pass failed, and the result whether this one did.
func (m *Manager) collect(ctx context.Context, failedBefore bool) bool {
	err := m.GarbageCollect(ctx)
	switch {
	case err == nil:
		if failedBefore {
			m.log.Info("image garbage collection succeeded again")
		}
		return false
	case ctx.Err() != nil:
		return failedBefore
	case failedBefore:
		m.log.Error("image garbage collection failed again", "err", err)
		m.cfg.Recorder.NodeEvent(corev1.EventTypeWarning, ReasonImageGCFailed, err.Error())
	default:
		m.log.Warn("image garbage collection failed once", "err", err)
	}
	return true
}

// GarbageCollect makes one pass: it removes the images unused for longer
// than the maximum age, then, when the image filesystem is at or above
// the high threshold, unused images in least-recently-used order until
// the low threshold is reached. It fails (with a FreeDiskSpaceFailed
// event) when too little could be removed.
func (m *Manager) GarbageCollect(ctx context.Context) error {
	m.pass.Lock()
	defer m.pass.Unlock()
	now := m.cfg.Clock.Now()
	cands, err := m.detect(ctx, now)
	if err != nil {
		return err
	}
	if cands, err = m.removeOld(ctx, cands, now); err != nil {
		return err
	}
	fs, err := m.cfg.FsStats(ctx)
	if err != nil {
		return fmt.Errorf("image filesystem stats: %w", err)
	}
	capacity, available := fs.Capacity, fs.Available
	if available > capacity {
		available = capacity
	}
	if capacity <= 0 {
		m.cfg.Recorder.NodeEvent(corev1.EventTypeWarning, ReasonInvalidDiskCapacity, invalidCapacityMessage)
		return errors.New(invalidCapacityMessage)
	}
	usage := 100 - int(available*100/capacity)
	if usage < m.cfg.Policy.HighThresholdPercent {
		return nil
	}
	toFree := capacity*int64(100-m.cfg.Policy.LowThresholdPercent)/100 - available
	m.log.Info("image filesystem usage is at or above the high threshold, removing unused images down to the low threshold",
		"usage", usage, "highThreshold", m.cfg.Policy.HighThresholdPercent, "lowThreshold", m.cfg.Policy.LowThresholdPercent,
		"bytesToFree", toFree, "mountpoint", fs.Mountpoint)
	freed, err := m.free(ctx, cands, toFree, now)
	if err != nil {
		return err
	}
	if freed < toFree {
		msg := fmt.Sprintf(freeDiskSpaceFailedFmt, toFree, freed)
		m.cfg.Recorder.NodeEvent(corev1.EventTypeWarning, ReasonFreeDiskSpaceFailed, msg)
		return errors.New(msg)
	}
	return nil
}

// DeleteUnusedImages removes every image no container uses that is not
// pinned and is at least the minimum age, whatever the disk usage, and
// returns the bytes freed (the eviction manager's reclaim step).
func (m *Manager) DeleteUnusedImages(ctx context.Context) (int64, error) {
	m.pass.Lock()
	defer m.pass.Unlock()
	now := m.cfg.Clock.Now()
	cands, err := m.detect(ctx, now)
	if err != nil {
		return 0, err
	}
	m.log.Info("removing unused images to relieve disk pressure", "candidates", len(cands))
	return m.free(ctx, cands, math.MaxInt64, now)
}

// removeOld removes the candidates unused for longer than the maximum age
// (counted from first sight for images never seen in use) and returns the
// others.
func (m *Manager) removeOld(ctx context.Context, cands []candidate, now time.Time) ([]candidate, error) {
	maxAge := m.cfg.Policy.MaxAge
	if maxAge <= 0 {
		return cands, nil
	}
	var kept []candidate
	var errs []error
	for _, c := range cands {
		last := c.lastUsed
		if last.IsZero() {
			last = c.firstSeen
		}
		if now.Sub(last) <= maxAge {
			kept = append(kept, c)
			continue
		}
		m.log.Info("removing image unused for longer than the maximum age", "image", c.name, "id", c.id, "unusedFor", now.Sub(last), "maxAge", maxAge)
		if err := m.remove(ctx, c); err != nil {
			errs = append(errs, err)
			kept = append(kept, c)
		}
	}
	if len(errs) > 0 {
		return kept, fmt.Errorf("wanted to free images older than %v, encountered errors in image deletion: %w", maxAge, errors.Join(errs...))
	}
	return kept, nil
}

// free removes candidates at least the minimum age, in order, until
// toFree bytes are freed, and returns the bytes freed.
func (m *Manager) free(ctx context.Context, cands []candidate, toFree int64, now time.Time) (int64, error) {
	var freed int64
	var errs []error
	for _, c := range cands {
		if freed >= toFree {
			break
		}
		if now.Sub(c.firstSeen) < m.cfg.Policy.MinAge {
			continue
		}
		m.log.Info("removing image to free space", "image", c.name, "id", c.id, "size", c.size)
		if err := m.remove(ctx, c); err != nil {
			errs = append(errs, err)
			continue
		}
		freed += c.size
	}
	if len(errs) > 0 {
		return freed, fmt.Errorf("wanted to free %d bytes, but freed %d bytes space with errors in image deletion: %w", toFree, freed, errors.Join(errs...))
	}
	return freed, nil
}

// remove removes one image by ID and forgets it.
func (m *Manager) remove(ctx context.Context, c candidate) error {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if _, err := m.cfg.Runtime.RemoveImage(cctx, &runtimeapi.RemoveImageRequest{Image: &runtimeapi.ImageSpec{Image: c.id}}); err != nil {
		return fmt.Errorf("remove image %s (%s): %w", c.name, c.id, err)
	}
	delete(m.records, c.id)
	return nil
}

// detect lists the runtime's images and containers, updates the records
// (first sight, last use, size) and returns the images that are neither
// in use nor pinned, least recently used first (ties: first seen first).
func (m *Manager) detect(ctx context.Context, now time.Time) ([]candidate, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	imgs, err := m.cfg.Runtime.ListImages(cctx, &runtimeapi.ListImagesRequest{})
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	ctrs, err := m.cfg.Runtime.ListContainers(cctx, &runtimeapi.ListContainersRequest{})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	used := map[string]bool{}
	for _, c := range ctrs.GetContainers() {
		for _, ref := range []string{c.GetImageRef(), c.GetImage().GetImage(), c.GetImage().GetUserSpecifiedImage()} {
			if ref != "" {
				used[ref] = true
			}
		}
	}
	pinned, err := m.pinnedIDs(cctx)
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	var out []candidate
	for _, img := range imgs.GetImages() {
		id := img.GetId()
		if id == "" {
			continue
		}
		present[id] = true
		r, ok := m.records[id]
		if !ok {
			r = &record{firstSeen: now}
			m.records[id] = r
		}
		r.name, r.size = imageName(img), int64(img.GetSize())
		names := append([]string{id}, img.GetRepoTags()...)
		names = append(names, img.GetRepoDigests()...)
		inUse := anyIn(names, used)
		if inUse {
			r.lastUsed = now
		}
		if inUse || img.GetPinned() || anyIn(names, pinned) {
			continue
		}
		out = append(out, candidate{id: id, record: *r})
	}
	for id := range m.records {
		if !present[id] {
			delete(m.records, id)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.lastUsed.Equal(b.lastUsed) {
			return a.lastUsed.Before(b.lastUsed)
		}
		if !a.firstSeen.Equal(b.firstSeen) {
			return a.firstSeen.Before(b.firstSeen)
		}
		return a.id < b.id
	})
	return out, nil
}

// pinnedIDs returns the configured pinned references and the IDs the
// runtime resolves them to.
func (m *Manager) pinnedIDs(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	for _, ref := range m.cfg.PinnedImages {
		if ref == "" {
			continue
		}
		out[ref] = true
		st, err := m.cfg.Runtime.ImageStatus(ctx, &runtimeapi.ImageStatusRequest{Image: &runtimeapi.ImageSpec{Image: ref}})
		if err != nil {
			return nil, fmt.Errorf("status of pinned image %s: %w", ref, err)
		}
		if id := st.GetImage().GetId(); id != "" {
			out[id] = true
		}
	}
	return out, nil
}

func anyIn(names []string, set map[string]bool) bool {
	for _, n := range names {
		if set[n] {
			return true
		}
	}
	return false
}

// imageName is a readable name for logs: the first tag, else the first
// digest, else the ID.
func imageName(img *runtimeapi.Image) string {
	if tags := img.GetRepoTags(); len(tags) > 0 {
		return tags[0]
	}
	if digests := img.GetRepoDigests(); len(digests) > 0 {
		return digests[0]
	}
	return img.GetId()
}

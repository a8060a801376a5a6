package images

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
)

// CRIFsStats measures the image filesystem the runtime reports in
// ImageFsInfo: the mountpoint it names is statfs'ed for capacity and
// available bytes, as the eviction manager's imagefs signal is.
func CRIFsStats(rt cri.Service) FsStatsFunc {
	return func(ctx context.Context) (FsStats, error) {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		resp, err := rt.ImageFsInfo(cctx, &runtimeapi.ImageFsInfoRequest{})
		if err != nil {
			return FsStats{}, fmt.Errorf("image filesystem info: %w", err)
		}
		for _, f := range resp.GetImageFilesystems() {
			if mp := f.GetFsId().GetMountpoint(); mp != "" {
				return Statfs(mp)
			}
		}
		return FsStats{}, errors.New("image filesystem info: the runtime named no mountpoint")
	}
}

// Statfs measures the filesystem holding path: its size, and the bytes
// available to unprivileged users.
func Statfs(path string) (FsStats, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return FsStats{}, fmt.Errorf("statfs %s: %w", path, err)
	}
	return FsStats{Capacity: int64(st.Blocks) * st.Bsize, Available: int64(st.Bavail) * st.Bsize, Mountpoint: path}, nil
}

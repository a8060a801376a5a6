package volumes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// SysMounter mounts with mount(2).
type SysMounter struct{}

// MountTmpfs mounts a tmpfs (size 0 means the kernel default) on dir.
func (SysMounter) MountTmpfs(dir string, size int64) error {
	opts := ""
	if size > 0 {
		opts = fmt.Sprintf("size=%d", size)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", dir, err)
	}
	return nil
}

// Unmount unmounts dir.
func (SysMounter) Unmount(dir string) error { return syscall.Unmount(dir, 0) }

// IsMountPoint reports whether dir is a mount point. The kernel says so
// directly (statx's mount-root attribute, Linux 5.8+), at the cost of one
// system call; where it cannot, a directory on another device than its
// parent is one, and otherwise dir is looked up in /proc/self/mountinfo,
// which also finds bind mounts of the parent's own file system.
func (SysMounter) IsMountPoint(dir string) bool {
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, dir, unix.AT_SYMLINK_NOFOLLOW, 0, &stx); err == nil && stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 {
		return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0
	} else if os.IsNotExist(err) {
		return false
	}
	var st, parent syscall.Stat_t
	if syscall.Lstat(dir, &st) != nil {
		return false
	}
	if syscall.Lstat(filepath.Dir(filepath.Clean(dir)), &parent) == nil && st.Dev != parent.Dev {
		return true
	}
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	abs, _ := filepath.Abs(dir)
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && f[4] == abs {
			return true
		}
	}
	return false
}

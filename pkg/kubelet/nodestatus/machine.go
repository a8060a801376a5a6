package nodestatus

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// Machine describes the host the kubelet runs on.
type Machine struct {
	NumCPU           int
	MemoryBytes      int64
	EphemeralBytes   int64
	MachineID        string
	BootID           string
	KernelVersion    string
	OSImage          string
	OperatingSystem  string
	Architecture     string
	DefaultAddressIP string
}

// ReadMachine inspects the host; rootDir is statfs'ed for ephemeral storage.
func ReadMachine(rootDir string) (Machine, error) {
	m := Machine{NumCPU: runtime.NumCPU(), OperatingSystem: runtime.GOOS, Architecture: runtime.GOARCH}
	mem, err := memTotal("/proc/meminfo")
	if err != nil {
		return m, err
	}
	m.MemoryBytes = mem
	if err := os.MkdirAll(rootDir, 0o750); err != nil {
		return m, fmt.Errorf("root dir: %w", err)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(rootDir, &st); err != nil {
		return m, fmt.Errorf("statfs %s: %w", rootDir, err)
	}
	m.EphemeralBytes = int64(st.Blocks) * st.Bsize
	m.MachineID = readTrim("/etc/machine-id")
	m.BootID = readTrim("/proc/sys/kernel/random/boot_id")
	m.KernelVersion = readTrim("/proc/sys/kernel/osrelease")
	m.OSImage = osImage("/etc/os-release")
	m.DefaultAddressIP = firstAddress()
	return m, nil
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// memTotal parses MemTotal (kB) from a meminfo file.
func memTotal(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("meminfo: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("meminfo MemTotal: %w", err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("meminfo: no MemTotal in %s", path)
}

// osImage returns PRETTY_NAME from an os-release file.
func osImage(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "Unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"'`)
		}
	}
	return "Unknown"
}

// firstAddress returns the first non-loopback IPv4 address, else IPv6, else 127.0.0.1.
func firstAddress() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "127.0.0.1"
	}
	var v6 string
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() {
			continue
		}
		if n.IP.To4() != nil {
			return n.IP.String()
		}
		if v6 == "" {
			v6 = n.IP.String()
		}
	}
	if v6 != "" {
		return v6
	}
	return "127.0.0.1"
}

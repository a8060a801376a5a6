package allocator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// ErrPortAllocated is the error of a node port already in use.
var ErrPortAllocated = errors.New("provided port is already allocated")

// ErrPortNotInRange reports a node port outside the range.
type ErrPortNotInRange struct {
	Port       int
	ValidRange string
}

func (e *ErrPortNotInRange) Error() string {
	return fmt.Sprintf("provided port is not in the valid range. The range of valid ports is %s", e.ValidRange)
}

// PortAllocator allocates node ports of one range, in memory; the registry
// rebuilds it from the stored Services at start.
type PortAllocator struct {
	base, size int
	text       string

	mu   sync.Mutex
	used map[int]bool
}

// ParsePortRange parses "30000-32767" (or a single port) into base and size.
func ParsePortRange(s string) (base, size int, err error) {
	lo, hi, found := strings.Cut(strings.TrimSpace(s), "-")
	a, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil {
		return 0, 0, fmt.Errorf("port range %q: %w", s, err)
	}
	b := a
	if found {
		if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
			return 0, 0, fmt.Errorf("port range %q: %w", s, err)
		}
	}
	if a < 1 || b > 65535 || b < a {
		return 0, 0, fmt.Errorf("port range %q is invalid", s)
	}
	return a, b - a + 1, nil
}

// NewPortAllocator returns an allocator of the range "lo-hi".
func NewPortAllocator(portRange string) (*PortAllocator, error) {
	base, size, err := ParsePortRange(portRange)
	if err != nil {
		return nil, err
	}
	return &PortAllocator{base: base, size: size, text: fmt.Sprintf("%d-%d", base, base+size-1), used: map[int]bool{}}, nil
}

// Range returns the range as text.
func (p *PortAllocator) Range() string { return p.text }

// Contains reports whether port is in the range.
func (p *PortAllocator) Contains(port int) bool { return port >= p.base && port < p.base+p.size }

// Has reports whether port is allocated.
func (p *PortAllocator) Has(port int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used[port]
}

// Allocate reserves port; dryRun only checks.
func (p *PortAllocator) Allocate(port int, dryRun bool) error {
	if !p.Contains(port) {
		return &ErrPortNotInRange{Port: port, ValidRange: p.text}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used[port] {
		return ErrPortAllocated
	}
	if !dryRun {
		p.used[port] = true
	}
	return nil
}

// AllocateNext reserves a free port; dryRun picks one without reserving.
func (p *PortAllocator) AllocateNext(dryRun bool) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	start := rand.IntN(p.size)
	for i := 0; i < p.size; i++ {
		port := p.base + (start+i)%p.size
		if !p.used[port] {
			if !dryRun {
				p.used[port] = true
			}
			return port, nil
		}
	}
	return 0, errors.New("range is full")
}

// Release frees port.
func (p *PortAllocator) Release(port int) {
	p.mu.Lock()
	delete(p.used, port)
	p.mu.Unlock()
}

// Used returns the number of allocated ports.
func (p *PortAllocator) Used() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.used)
}

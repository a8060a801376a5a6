package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
)

// allocation is one Service's load balancer IP, as stored in the state file.
type allocation struct {
	IP  string `json:"ip"`
	UID string `json:"uid,omitempty"`
}

// stateFile is the on-disk form of the allocator.
type stateFile struct {
	Allocations map[string]allocation `json:"allocations"`
}

// allocator hands out IPs of a range to Services (keyed namespace/name) and
// persists the assignments. It is not safe for concurrent use; Cloud
// serialises access.
type allocator struct {
	rng   netip.Prefix
	path  string
	byKey map[string]allocation
	used  map[netip.Addr]string
}

// newAllocator loads path (if set and present); assignments outside rng are
// dropped.
func newAllocator(rng netip.Prefix, path string) (*allocator, error) {
	a := &allocator{rng: rng, path: path, byKey: map[string]allocation{}, used: map[netip.Addr]string{}}
	if path == "" {
		return a, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return a, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read local cloud state: %w", err)
	}
	var st stateFile
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("parse local cloud state %s: %w", path, err)
	}
	for key, al := range st.Allocations {
		ip, err := netip.ParseAddr(al.IP)
		if err != nil || !usable(rng, ip) {
			continue
		}
		if _, taken := a.used[ip]; taken {
			continue
		}
		a.byKey[key] = al
		a.used[ip] = key
	}
	return a, nil
}

// get returns the Service's IP, if it has one.
func (a *allocator) get(key string) (netip.Addr, bool) {
	al, ok := a.byKey[key]
	if !ok {
		return netip.Addr{}, false
	}
	ip, err := netip.ParseAddr(al.IP)
	return ip, err == nil
}

// allocate returns the Service's IP, assigning one if needed: want if it is
// usable and free, else the lowest free address.
func (a *allocator) allocate(key, uid string, want netip.Addr) (netip.Addr, error) {
	if ip, ok := a.get(key); ok {
		return ip, nil
	}
	ip := netip.Addr{}
	if want.IsValid() && usable(a.rng, want) {
		if _, taken := a.used[want]; !taken {
			ip = want
		}
	}
	for cand := firstUsable(a.rng); !ip.IsValid() && usable(a.rng, cand); cand = cand.Next() {
		if _, taken := a.used[cand]; !taken {
			ip = cand
		}
	}
	if !ip.IsValid() {
		return netip.Addr{}, fmt.Errorf("load balancer range %s is exhausted", a.rng)
	}
	a.byKey[key] = allocation{IP: ip.String(), UID: uid}
	a.used[ip] = key
	if err := a.save(); err != nil {
		delete(a.byKey, key)
		delete(a.used, ip)
		return netip.Addr{}, err
	}
	return ip, nil
}

// release frees the Service's IP.
func (a *allocator) release(key string) error {
	ip, ok := a.get(key)
	if !ok {
		return nil
	}
	delete(a.byKey, key)
	delete(a.used, ip)
	return a.save()
}

// save writes the state file atomically (temporary file and rename).
func (a *allocator) save() error {
	if a.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(stateFile{Allocations: a.byKey}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode local cloud state: %w", err)
	}
	dir := filepath.Dir(a.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write local cloud state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".local-cloud-state-*")
	if err != nil {
		return fmt.Errorf("write local cloud state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write local cloud state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write local cloud state: %w", err)
	}
	if err := os.Rename(tmp.Name(), a.path); err != nil {
		return fmt.Errorf("write local cloud state: %w", err)
	}
	return nil
}

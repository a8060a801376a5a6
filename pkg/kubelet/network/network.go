// Package network writes the node's CNI configuration (bridge, host-local
// IPAM over the node's podCIDR, portmap) once the node IPAM controller has
// assigned spec.podCIDR, and keeps the node's one masquerade rule for pod
// traffic; containerd's CRI plugin picks the configuration up.
package network

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
)

// ConfListName is the file the kubelet writes in the CNI config dir.
const ConfListName = "10-keel.conflist"

// BridgeName is the Linux bridge pods attach to.
const BridgeName = "keel0"

// ConfList returns the CNI conflist JSON for podCIDR. The bridge plugin
// masquerades pod traffic itself (a chain per pod) unless nodeMasq says the
// node's Masquerade rule does it. There is no loopback plugin: the CRI
// runtime brings each sandbox's lo up itself, so it would run twice.
func ConfList(podCIDR string, nodeMasq bool) ([]byte, error) {
	if _, _, err := net.ParseCIDR(podCIDR); err != nil {
		return nil, fmt.Errorf("pod CIDR %q: %w", podCIDR, err)
	}
	conf := map[string]any{
		"cniVersion": "1.0.0",
		"name":       "keel",
		"plugins": []any{
			map[string]any{
				"type":        "bridge",
				"bridge":      BridgeName,
				"isGateway":   true,
				"ipMasq":      !nodeMasq,
				"hairpinMode": true,
				"ipam": map[string]any{
					"type":   "host-local",
					"ranges": [][]map[string]string{{{"subnet": podCIDR}}},
					"routes": []map[string]string{{"dst": "0.0.0.0/0"}},
				},
			},
			map[string]any{"type": "portmap", "capabilities": map[string]bool{"portMappings": true}},
		},
	}
	return json.MarshalIndent(conf, "", "  ")
}

// Writer writes the conflist for a podCIDR once, atomically, and rewrites
// it only when the podCIDR changes.
type Writer struct {
	Dir string
	// Masq, when set, installs the node masquerade rule so that the bridge
	// plugin need not; when it fails the bridge plugin masquerades.
	Masq *Masquerade

	mu      sync.Mutex
	written string
}

// Path is the conflist's path.
func (w *Writer) Path() string { return filepath.Join(w.Dir, ConfListName) }

// Ensure writes the conflist for podCIDR unless it is empty or already
// written; it reports whether it wrote. A failed masquerade rule is
// returned as an error after a conflist that masquerades per pod is written.
func (w *Writer) Ensure(podCIDR string) (bool, error) {
	if podCIDR == "" {
		return false, nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.written == podCIDR {
		return false, nil
	}
	var masqErr error
	if w.Masq != nil {
		if masqErr = w.Masq.Ensure(podCIDR); masqErr != nil {
			masqErr = fmt.Errorf("node masquerade rule (the bridge plugin masquerades instead): %w", masqErr)
		}
	}
	data, err := ConfList(podCIDR, w.Masq != nil && masqErr == nil)
	if err != nil {
		return false, err
	}
	if old, err := os.ReadFile(w.Path()); err == nil && string(old) == string(data) {
		w.written = podCIDR
		return false, masqErr
	}
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return false, fmt.Errorf("cni conf dir: %w", err)
	}
	tmp := w.Path() + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return false, fmt.Errorf("write cni conf: %w", err)
	}
	if err := os.Rename(tmp, w.Path()); err != nil {
		return false, fmt.Errorf("install cni conf: %w", err)
	}
	w.written = podCIDR
	return true, masqErr
}

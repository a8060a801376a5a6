// Package kubelet is the node agent's main loop: it registers the Node
// (nodestatus), writes the CNI config for its podCIDR (network), watches the
// pods bound to the node and hands them to one pod worker each (podworker),
// writes their status through pods/status, deletes them once terminated, and
// serves the kubelet API (server). Under node pressure the eviction manager
// (eviction) reports the pressure conditions, rejects new pods at admission
// and fails one running pod per interval with reason Evicted; it also evicts
// pods over their local ephemeral-storage limits. Unused images are removed
// by the image garbage collector (images). The ConfigMaps and Secrets the
// node's pods refer to are read through one shared watch per object
// (objcache). The runtime core lives in the subpackages (cri, podworker,
// prober, status, lifecycle, resources, envvars, volumes).
package kubelet

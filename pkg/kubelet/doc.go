// Package kubelet holds the node agent: its runtime core lives in the
// subpackages (cri, podworker, prober, status, lifecycle, resources,
// envvars, volumes).
package kubelet

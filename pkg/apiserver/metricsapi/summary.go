package metricsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	corev1 "keel.dev/api/core/v1"
)

// DefaultKubeletPort is the kubelet port used when a node does not publish
// status.daemonEndpoints.kubeletEndpoint.port.
const DefaultKubeletPort = 10250

// Summary is the part of the kubelet's stats/v1alpha1 Summary the metrics
// API reads.
type Summary struct {
	Node NodeStats  `json:"node"`
	Pods []PodStats `json:"pods"`
}

// NodeStats is the node-level usage of a Summary.
type NodeStats struct {
	NodeName string       `json:"nodeName"`
	CPU      *CPUStats    `json:"cpu,omitempty"`
	Memory   *MemoryStats `json:"memory,omitempty"`
}

// PodStats is the usage of one pod and its containers.
type PodStats struct {
	PodRef     PodReference     `json:"podRef"`
	Containers []ContainerStats `json:"containers"`
	CPU        *CPUStats        `json:"cpu,omitempty"`
	Memory     *MemoryStats     `json:"memory,omitempty"`
}

// PodReference names the pod of a PodStats.
type PodReference struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	UID       string `json:"uid"`
}

// ContainerStats is the usage of one container.
type ContainerStats struct {
	Name   string       `json:"name"`
	CPU    *CPUStats    `json:"cpu,omitempty"`
	Memory *MemoryStats `json:"memory,omitempty"`
}

// CPUStats is a CPU sample: the rate in nanocores at Time.
type CPUStats struct {
	Time                 time.Time `json:"time"`
	UsageNanoCores       *uint64   `json:"usageNanoCores,omitempty"`
	UsageCoreNanoSeconds *uint64   `json:"usageCoreNanoSeconds,omitempty"`
}

// MemoryStats is a memory sample at Time.
type MemoryStats struct {
	Time            time.Time `json:"time"`
	WorkingSetBytes *uint64   `json:"workingSetBytes,omitempty"`
}

// SummaryFetcher reads the summary of one node's kubelet.
type SummaryFetcher interface {
	Summary(ctx context.Context, node *corev1.Node) (*Summary, error)
}

// ErrNoAddress is returned for a node that publishes no address to reach
// its kubelet at.
var ErrNoAddress = errors.New("node has no address")

// KubeletAddress returns the host and port of a node's kubelet: its
// InternalIP (else its first address) and its published kubelet port
// (else DefaultKubeletPort).
func KubeletAddress(n *corev1.Node) (host string, port int, err error) {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP && a.Address != "" {
			host = a.Address
			break
		}
	}
	if host == "" && len(n.Status.Addresses) > 0 {
		host = n.Status.Addresses[0].Address
	}
	if host == "" {
		return "", 0, fmt.Errorf("node %s: %w", n.Name, ErrNoAddress)
	}
	port = int(n.Status.DaemonEndpoints.KubeletEndpoint.Port)
	if port <= 0 {
		port = DefaultKubeletPort
	}
	return host, port, nil
}

// KubeletClient fetches summaries over HTTPS with the transport Transport
// returns (the apiserver's kubelet client certificate).
type KubeletClient struct {
	Transport func() (http.RoundTripper, error)
}

// maxSummaryBytes bounds a summary body; a cpu-and-memory summary of a
// node with a few hundred pods is well below it.
const maxSummaryBytes = 32 << 20

// Summary implements SummaryFetcher.
func (k KubeletClient) Summary(ctx context.Context, node *corev1.Node) (*Summary, error) {
	host, port, err := KubeletAddress(node)
	if err != nil {
		return nil, err
	}
	rt, err := k.Transport()
	if err != nil {
		return nil, fmt.Errorf("kubelet transport: %w", err)
	}
	u := url.URL{Scheme: "https", Host: net.JoinHostPort(host, strconv.Itoa(port)), Path: "/stats/summary", RawQuery: "only_cpu_and_memory=true"}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u.String(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("GET %s: %s: %s", u.String(), resp.Status, body)
	}
	var s Summary
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxSummaryBytes)).Decode(&s); err != nil {
		return nil, fmt.Errorf("decode summary of node %s: %w", node.Name, err)
	}
	return &s, nil
}

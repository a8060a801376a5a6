// Package fakeruntime runs the in-memory CRI of pkg/kubelet/cri/fake for a
// kubelet started with --runtime=fake: containers start after a delay and
// pods get IPs from the node's podCIDR.
package fakeruntime

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"google.golang.org/grpc"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/cri"
	crifake "keel.dev/keel/pkg/kubelet/cri/fake"
)

// Runtime is a fake CRI server plus a client to it.
type Runtime struct {
	Server *crifake.Server
	client *cri.Client

	mu     sync.Mutex
	prefix netip.Prefix
	next   netip.Addr
	byID   map[string]string
	used   map[string]bool
}

// Start serves a fake CRI on a socket in dir; containers take startDelay to start.
func Start(ctx context.Context, dir string, startDelay time.Duration, images ...string) (*Runtime, error) {
	s := crifake.New(nil)
	for _, img := range images {
		s.AddImage(img)
	}
	s.SetUsage(syntheticUsage)
	if startDelay > 0 {
		s.SetDelay("StartContainer", startDelay)
	}
	if err := s.Start(dir); err != nil {
		return nil, err
	}
	c, err := cri.Dial(ctx, s.Endpoint)
	if err != nil {
		s.Stop()
		return nil, err
	}
	return &Runtime{Server: s, client: c, byID: map[string]string{}, used: map[string]bool{}}, nil
}

// Close stops the server and the client.
func (r *Runtime) Close() {
	r.client.Close()
	r.Server.Stop()
}

// RuntimeName is the name the fake reports.
func (r *Runtime) RuntimeName() string { return r.client.RuntimeName }

// SetPodCIDR makes later sandboxes take their IPs from cidr.
func (r *Runtime) SetPodCIDR(cidr string) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.Masked() == r.prefix {
		return
	}
	r.prefix = p.Masked()
	// .1 is the bridge gateway on a real node; pods start at .2.
	r.next = r.prefix.Addr().Next().Next()
}

// allocate returns the IP of sandbox id, allocating one on first use; "" without a podCIDR.
func (r *Runtime) allocate(id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ip, ok := r.byID[id]; ok {
		return ip
	}
	if !r.prefix.IsValid() {
		return ""
	}
	start := r.next
	for {
		a := r.next
		r.next = r.next.Next()
		if !r.prefix.Contains(r.next) {
			r.next = r.prefix.Addr().Next().Next()
		}
		if r.prefix.Contains(a) && !r.used[a.String()] {
			r.used[a.String()] = true
			r.byID[id] = a.String()
			return a.String()
		}
		if r.next == start {
			return ""
		}
	}
}

func (r *Runtime) release(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ip, ok := r.byID[id]; ok {
		delete(r.used, ip)
		delete(r.byID, id)
	}
}

// Service returns the CRI service the kubelet uses.
func (r *Runtime) Service() cri.Service { return &service{Service: r.client, rt: r} }

// service rewrites sandbox IPs into the podCIDR.
type service struct {
	cri.Service
	rt *Runtime
}

// PodSandboxStatus reports the sandbox with its podCIDR address.
func (s *service) PodSandboxStatus(ctx context.Context, in *runtimeapi.PodSandboxStatusRequest, opts ...grpc.CallOption) (*runtimeapi.PodSandboxStatusResponse, error) {
	resp, err := s.Service.PodSandboxStatus(ctx, in, opts...)
	if err != nil || resp.GetStatus().GetNetwork().GetIp() == "" {
		return resp, err
	}
	if ip := s.rt.allocate(in.PodSandboxId); ip != "" {
		resp.Status.Network.Ip = ip
	}
	return resp, nil
}

// RemovePodSandbox frees the sandbox's address.
func (s *service) RemovePodSandbox(ctx context.Context, in *runtimeapi.RemovePodSandboxRequest, opts ...grpc.CallOption) (*runtimeapi.RemovePodSandboxResponse, error) {
	resp, err := s.Service.RemovePodSandbox(ctx, in, opts...)
	if err == nil {
		s.rt.release(in.PodSandboxId)
	}
	return resp, err
}

// String names the runtime for logs.
func (r *Runtime) String() string { return fmt.Sprintf("fake CRI at %s", r.Server.Endpoint) }

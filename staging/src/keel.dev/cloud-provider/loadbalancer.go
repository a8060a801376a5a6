package cloudprovider

import (
	"context"
	"strings"

	corev1 "keel.dev/api/core/v1"
)

// LoadBalancer manages the cloud load balancers of type: LoadBalancer
// Services. The service controller calls it from its workers, one Service at
// a time per Service; calls for different Services may run concurrently.
// Implementations must not modify the Service or Node objects passed in.
type LoadBalancer interface {
	// GetLoadBalancer returns the status of the Service's load balancer and
	// whether it exists.
	GetLoadBalancer(ctx context.Context, clusterName string, svc *corev1.Service) (status *corev1.LoadBalancerStatus, exists bool, err error)
	// GetLoadBalancerName returns the cloud name of the Service's load
	// balancer; DefaultLoadBalancerName is the usual implementation.
	GetLoadBalancerName(ctx context.Context, clusterName string, svc *corev1.Service) string
	// EnsureLoadBalancer creates or updates the Service's load balancer so
	// it sends traffic to nodes, and returns its status. It is idempotent.
	EnsureLoadBalancer(ctx context.Context, clusterName string, svc *corev1.Service, nodes []*corev1.Node) (*corev1.LoadBalancerStatus, error)
	// UpdateLoadBalancer changes the set of nodes an existing load balancer
	// sends traffic to.
	UpdateLoadBalancer(ctx context.Context, clusterName string, svc *corev1.Service, nodes []*corev1.Node) error
	// EnsureLoadBalancerDeleted deletes the Service's load balancer; it
	// returns nil if there is none.
	EnsureLoadBalancerDeleted(ctx context.Context, clusterName string, svc *corev1.Service) error
}

// maxLoadBalancerNameLength bounds load balancer names, as many clouds do.
const maxLoadBalancerNameLength = 32

// DefaultLoadBalancerName returns the name Kubernetes gives a Service's load
// balancer: "a" followed by the Service UID without dashes, cut to 32
// characters.
func DefaultLoadBalancerName(svc *corev1.Service) string {
	name := "a" + strings.ReplaceAll(string(svc.UID), "-", "")
	if len(name) > maxLoadBalancerNameLength {
		name = name[:maxLoadBalancerNameLength]
	}
	return name
}

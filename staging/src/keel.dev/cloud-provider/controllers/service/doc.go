// Package service is the cloud service controller: it gives Services of
// type LoadBalancer a cloud load balancer through the provider's
// LoadBalancer capability.
//
// For each such Service (whose spec.loadBalancerClass is unset, or set to the
// class the controller was configured with) the controller first adds the
// service.kubernetes.io/load-balancer-cleanup finalizer, then calls
// EnsureLoadBalancer with the eligible Nodes (Ready, schedulable and not
// labelled node.kubernetes.io/exclude-from-external-load-balancers) and
// writes the returned ingress to status.loadBalancer. When the set of
// eligible Nodes changes it calls UpdateLoadBalancer for every balancer it
// manages. When the Service is being deleted, or stops being of type
// LoadBalancer, it calls EnsureLoadBalancerDeleted, clears the status and
// removes the finalizer. Provider errors emit a SyncLoadBalancerFailed
// event and are retried with the work queue's per-key backoff.
package service

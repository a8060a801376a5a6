// Package v1 holds the networking.k8s.io/v1 API: Ingress, IngressClass,
// NetworkPolicy, and the IPAddress and ServiceCIDR objects of ClusterIP
// allocation.
package v1

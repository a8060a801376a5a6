// Package v1 holds the rbac.authorization.k8s.io/v1 API: roles, cluster
// roles and the bindings that grant them to users, groups and service
// accounts.
package v1

// Package resource resolves the resource names users type (pods, po,
// deploy/web, deployments.apps) to API resources through discovery
// (aggregated or legacy), cached in memory for the life of the process.
package resource

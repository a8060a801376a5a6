// Package config holds the scheduler's configuration file types
// (KubeSchedulerConfiguration: profiles with enabled/disabled plugins and
// weights, percentageOfNodesToScore, plugin args), their defaults (Kubernetes'
// default plugin set and weights), YAML loading and validation.
package config

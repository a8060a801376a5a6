// Package podautoscaler implements the autoscaling/v2 HorizontalPodAutoscaler
// for Resource metrics (cpu and memory, Utilization and AverageValue),
// reading pod usage through a pluggable MetricsSource.
package podautoscaler

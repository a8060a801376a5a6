// Package schedulinggates implements SchedulingGates: a PreEnqueue plugin
// holding pods with spec.schedulingGates out of the active queue.
package schedulinggates

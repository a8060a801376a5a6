// Package priority is the Priority admission plugin: a new pod's
// spec.priority (and preemptionPolicy) come from its priorityClassName,
// or from the global default PriorityClass when it names none (priority 0
// without one); naming a class that does not exist is refused with 403.
// The built-in system-node-critical and system-cluster-critical classes
// resolve even when not stored. Only one PriorityClass may be the global
// default.
package priority

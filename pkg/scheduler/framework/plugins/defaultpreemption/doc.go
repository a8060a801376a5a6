// Package defaultpreemption implements DefaultPreemption, the PostFilter
// plugin that, when no node fits, finds nodes where evicting lower-priority
// pods makes the pod fit, picks the node with the least disruption (fewest PDB
// violations, lowest victim priorities, fewest victims), evicts the victims
// through the injected Evictor and nominates the node.
package defaultpreemption

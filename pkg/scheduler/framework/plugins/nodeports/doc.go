// Package nodeports implements NodePorts: a pod's host ports must be free on the node.
package nodeports

// Package runtime instantiates a profile's plugins from a registry and runs
// them at each extension point: sequentially for PreFilter, PreScore, Reserve,
// Permit and binding, per node (called in parallel by the cycle) for Filter,
// and in parallel over nodes for Score.
package runtime

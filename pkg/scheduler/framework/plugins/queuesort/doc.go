// Package queuesort implements PrioritySort: higher priority first, then
// the earlier queue timestamp.
package queuesort

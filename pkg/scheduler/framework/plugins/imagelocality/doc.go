// Package imagelocality implements ImageLocality: nodes that already hold
// the pod's images score higher, weighted by image size and spread.
package imagelocality

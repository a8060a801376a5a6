// Package objects reads other resources for admission plugins straight
// from the registry's storages (the watch cache), never over HTTP.
package objects

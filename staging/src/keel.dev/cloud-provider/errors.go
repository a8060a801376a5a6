package cloudprovider

import "errors"

// Sentinel errors; wrap them with %w and test them with errors.Is.
var (
	// ErrInstanceNotFound means the cloud has no instance for the node.
	ErrInstanceNotFound = errors.New("instance not found")
	// ErrNotImplemented means the provider does not support the operation.
	ErrNotImplemented = errors.New("not implemented by the cloud provider")
	// ErrUnknownProvider means no provider is registered under the name.
	ErrUnknownProvider = errors.New("unknown cloud provider")
	// ErrDuplicateProvider means a provider is already registered under the name.
	ErrDuplicateProvider = errors.New("cloud provider already registered")
	// ErrNoClientConfig means a ClientBuilder has no REST config to hand out.
	ErrNoClientConfig = errors.New("no client config")
)

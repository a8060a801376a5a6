package typed

import (
	"fmt"

	"keel.dev/client/rest"
)

// Clientset hands out the typed client of every kind over one REST client.
type Clientset struct {
	rest *rest.Client
}

// NewForConfig returns a clientset for cfg.
func NewForConfig(cfg *rest.Config, opts ...rest.Option) (*Clientset, error) {
	rc, err := rest.New(cfg, opts...)
	if err != nil {
		return nil, err
	}
	return NewFromREST(rc), nil
}

// NewFromREST returns a clientset over rc.
func NewFromREST(rc *rest.Client) *Clientset { return &Clientset{rest: rc} }

// REST returns the underlying REST client.
func (cs *Clientset) REST() *rest.Client { return cs.rest }

// For returns the client of kind T (listed as L) in namespace; it is how
// code reaches kinds without an accessor and how generic code works.
func For[T Object, L List](cs *Clientset, namespace string) (*Client[T, L], error) {
	return New[T, L](cs.rest, namespace)
}

// mustFor is For for the built-in kinds, which are always registered.
func mustFor[T Object, L List](cs *Clientset, namespace string) *Client[T, L] {
	c, err := For[T, L](cs, namespace)
	if err != nil {
		panic(fmt.Sprintf("built-in kind not registered: %v", err))
	}
	return c
}

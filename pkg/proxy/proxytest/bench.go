package proxytest

import (
	discoveryv1 "keel.dev/api/discovery/v1"
	"keel.dev/keel/pkg/proxy/model"
)

// Flipper alternates one endpoint of the first slice of a Scale case
// between two addresses, producing a one-endpoint change per call.
type Flipper struct {
	tr      *model.Tracker
	a, b    *discoveryv1.EndpointSlice
	flipped bool
}

// NewFlipper prepares the two versions of c's first slice.
func NewFlipper(tr *model.Tracker, c Case) *Flipper {
	a := c.Slices[0]
	b := a.DeepCopy()
	b.Endpoints[0].Addresses = []string{"10.255.255.1"}
	return &Flipper{tr: tr, a: a, b: b}
}

// Flip applies the next change and returns the tracker's Update.
func (f *Flipper) Flip() *model.Result {
	if f.flipped {
		f.tr.OnEndpointSliceUpdate(f.b, f.a)
	} else {
		f.tr.OnEndpointSliceUpdate(f.a, f.b)
	}
	f.flipped = !f.flipped
	return f.tr.Update()
}

package fake

import (
	"net/http"
	"sync"

	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/rest"
	"keel.dev/client/typed"
)

// Action is one request the fake clientset served.
type Action struct {
	// Verb is get, list, watch, create, update, patch, delete or deletecollection.
	Verb string
	// Resource is the resource requested.
	Resource schema.GroupVersionResource
	// Subresource is "status", "binding", … or empty.
	Subresource string
	// Namespace and Name address the object (Name is empty for collections).
	Namespace, Name string
	// Object is the decoded request body of create and update.
	Object runtime.Object
	// PatchType and Patch are the body of a patch.
	PatchType types.PatchType
	Patch     []byte
}

// Matches reports whether the action has verb and resource (plural, e.g. "pods").
func (a Action) Matches(verb, resource string) bool {
	return a.Verb == verb && (resource == "*" || a.Resource.Resource == resource)
}

// ReactionFunc intercepts an action; handled=true makes its result (obj or
// err) the response.
type ReactionFunc func(a Action) (handled bool, obj runtime.Object, err error)

type reactor struct {
	verb, resource string
	fn             ReactionFunc
}

// Clientset is a typed.Clientset backed by an in-memory Tracker.
type Clientset struct {
	*typed.Clientset
	tracker *Tracker
	scheme  *runtime.Scheme

	mu       sync.Mutex
	actions  []Action
	reactors []reactor
}

// NewClientset returns a fake clientset seeded with objs.
func NewClientset(objs ...runtime.Object) *Clientset {
	scheme := rest.DefaultScheme()
	c := &Clientset{tracker: NewTracker(scheme), scheme: scheme}
	for _, o := range objs {
		if err := c.tracker.Add(o); err != nil {
			panic("fake clientset seed: " + err.Error())
		}
	}
	rc, err := rest.New(&rest.Config{Host: "http://fake", QPS: -1, MaxRetries: -1, Transport: &server{c: c}, Scheme: scheme})
	if err != nil {
		panic("fake clientset: " + err.Error())
	}
	c.Clientset = typed.NewFromREST(rc)
	return c
}

// Tracker returns the object store.
func (c *Clientset) Tracker() *Tracker { return c.tracker }

// Actions returns the actions served so far.
func (c *Clientset) Actions() []Action {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Action(nil), c.actions...)
}

// ClearActions forgets the recorded actions.
func (c *Clientset) ClearActions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.actions = nil
}

// PrependReactor adds a reactor for verb and resource ("*" matches any)
// that runs before the tracker and earlier reactors.
func (c *Clientset) PrependReactor(verb, resource string, fn ReactionFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reactors = append([]reactor{{verb, resource, fn}}, c.reactors...)
}

// record stores a and runs the reactors.
func (c *Clientset) record(a Action) (bool, runtime.Object, error) {
	c.mu.Lock()
	c.actions = append(c.actions, a)
	rs := append([]reactor(nil), c.reactors...)
	c.mu.Unlock()
	for _, r := range rs {
		if (r.verb == "*" || r.verb == a.Verb) && (r.resource == "*" || r.resource == a.Resource.Resource) {
			if handled, obj, err := r.fn(a); handled {
				return true, obj, err
			}
		}
	}
	return false, nil, nil
}

var _ http.RoundTripper = (*server)(nil)

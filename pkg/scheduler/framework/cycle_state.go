package framework

import (
	"errors"
	"sync"
)

// ErrNotFound is returned by CycleState.Read for a missing key.
var ErrNotFound = errors.New("not found")

// StateData is a value plugins keep in CycleState.
type StateData interface {
	// Clone returns a copy; immutable data may return itself.
	Clone() StateData
}

// StateKey names a CycleState entry; plugins use their own name or a prefixed key.
type StateKey string

// CycleState is the per-cycle scratchpad plugins write in PreFilter/PreScore
// and read in Filter/Score. It is safe for concurrent use; values written are
// read concurrently by the parallel Filter and Score calls and must not be
// mutated there.
type CycleState struct {
	storage sync.Map
	// SkipFilterPlugins lists plugins whose PreFilter returned Skip.
	SkipFilterPlugins map[string]struct{}
	// SkipScorePlugins lists plugins whose PreScore returned Skip.
	SkipScorePlugins map[string]struct{}
}

// NewCycleState returns an empty state.
func NewCycleState() *CycleState { return &CycleState{} }

// Read returns the value stored under key, or ErrNotFound.
func (c *CycleState) Read(key StateKey) (StateData, error) {
	if v, ok := c.storage.Load(key); ok {
		return v.(StateData), nil
	}
	return nil, ErrNotFound
}

// Write stores val under key.
func (c *CycleState) Write(key StateKey, val StateData) { c.storage.Store(key, val) }

// Delete removes key.
func (c *CycleState) Delete(key StateKey) { c.storage.Delete(key) }

// Clone copies the state, cloning every value (used by preemption's dry runs).
func (c *CycleState) Clone() *CycleState {
	if c == nil {
		return nil
	}
	out := NewCycleState()
	c.storage.Range(func(k, v any) bool {
		out.storage.Store(k, v.(StateData).Clone())
		return true
	})
	out.SkipFilterPlugins = c.SkipFilterPlugins
	out.SkipScorePlugins = c.SkipScorePlugins
	return out
}

// ReadAs reads key from state and asserts its type.
func ReadAs[T StateData](state *CycleState, key StateKey) (T, error) {
	var zero T
	v, err := state.Read(key)
	if err != nil {
		return zero, err
	}
	t, ok := v.(T)
	if !ok {
		return zero, errors.New("cycle state " + string(key) + " has unexpected type")
	}
	return t, nil
}

package watch

import "sync"

// ProxyWatcher adapts a channel that someone else writes to into an
// Interface. The writer should watch StopChan and close its channel when the
// watch is stopped.
type ProxyWatcher struct {
	result <-chan Event
	stop   chan struct{}
	once   sync.Once
}

var _ Interface = (*ProxyWatcher)(nil)

// NewProxyWatcher returns a ProxyWatcher over ch.
func NewProxyWatcher(ch <-chan Event) *ProxyWatcher {
	return &ProxyWatcher{result: ch, stop: make(chan struct{})}
}

// Stop closes StopChan once.
func (p *ProxyWatcher) Stop() { p.once.Do(func() { close(p.stop) }) }

// ResultChan implements Interface.
func (p *ProxyWatcher) ResultChan() <-chan Event { return p.result }

// StopChan is closed when Stop is called.
func (p *ProxyWatcher) StopChan() <-chan struct{} { return p.stop }

// emptyWatch is a watch that has already ended.
type emptyWatch chan Event

// NewEmptyWatch returns a watch whose result channel is already closed.
func NewEmptyWatch() Interface {
	ch := make(chan Event)
	close(ch)
	return emptyWatch(ch)
}

func (w emptyWatch) Stop()                    {}
func (w emptyWatch) ResultChan() <-chan Event { return w }

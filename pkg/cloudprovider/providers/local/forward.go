package local

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Forwarding limits.
const (
	dialTimeout    = 3 * time.Second
	udpIdleTimeout = 60 * time.Second
	udpBufferSize  = 64 << 10
)

// nodeSet is the list of node hosts a balancer forwards to; it is swapped
// whole on update and read without locks.
type nodeSet struct{ hosts atomic.Pointer[[]string] }

func (s *nodeSet) set(hosts []string) { s.hosts.Store(&hosts) }

func (s *nodeSet) get() []string {
	if p := s.hosts.Load(); p != nil {
		return *p
	}
	return nil
}

// target picks backends round-robin over the node set for one node port.
type target struct {
	nodes    *nodeSet
	nodePort atomic.Int32
	next     atomic.Uint64
}

// order returns the backend addresses to try, starting at the next one in
// round-robin order.
func (t *target) order() []string {
	hosts := t.nodes.get()
	if len(hosts) == 0 {
		return nil
	}
	port := strconv.Itoa(int(t.nodePort.Load()))
	start := int(t.next.Add(1)-1) % len(hosts)
	out := make([]string, 0, len(hosts))
	for i := range hosts {
		out = append(out, net.JoinHostPort(hosts[(start+i)%len(hosts)], port))
	}
	return out
}

// forwarder serves one Service port.
type forwarder interface {
	setNodePort(port int32)
	close()
}

// tcpForwarder relays TCP connections accepted on one address.
type tcpForwarder struct {
	target
	ln net.Listener
	wg sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func listenTCP(addr string, nodes *nodeSet, nodePort int32) (*tcpForwarder, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	f := &tcpForwarder{ln: ln, conns: map[net.Conn]struct{}{}}
	f.nodes = nodes
	f.nodePort.Store(nodePort)
	f.wg.Add(1)
	go f.serve()
	return f, nil
}

func (f *tcpForwarder) setNodePort(p int32) { f.nodePort.Store(p) }

func (f *tcpForwarder) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(50 * time.Millisecond) // transient, e.g. out of file descriptors
			continue
		}
		if !f.track(c) {
			c.Close()
			return
		}
		f.wg.Add(1)
		go f.relay(c)
	}
}

// track registers c so close can end it; it fails once the forwarder is closed.
func (f *tcpForwarder) track(c net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.conns[c] = struct{}{}
	return true
}

func (f *tcpForwarder) untrack(c net.Conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.conns, c)
}

func (f *tcpForwarder) relay(client net.Conn) {
	defer f.wg.Done()
	defer f.untrack(client)
	defer client.Close()
	var backend net.Conn
	for _, addr := range f.order() {
		c, err := net.DialTimeout("tcp", addr, dialTimeout)
		if err == nil {
			backend = c
			break
		}
	}
	if backend == nil {
		return
	}
	if !f.track(backend) {
		backend.Close()
		return
	}
	defer f.untrack(backend)
	defer backend.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(backend, client)
	go pipe(client, backend)
	<-done
	<-done
}

func (f *tcpForwarder) close() {
	f.mu.Lock()
	f.closed = true
	_ = f.ln.Close()
	for c := range f.conns {
		_ = c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// udpForwarder relays datagrams; each client address gets its own backend
// socket, dropped after udpIdleTimeout without replies.
type udpForwarder struct {
	target
	pc *net.UDPConn
	wg sync.WaitGroup

	mu       sync.Mutex
	sessions map[string]*net.UDPConn
	closed   bool
}

func listenUDP(addr string, nodes *nodeSet, nodePort int32) (*udpForwarder, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	pc, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, err
	}
	f := &udpForwarder{pc: pc, sessions: map[string]*net.UDPConn{}}
	f.nodes = nodes
	f.nodePort.Store(nodePort)
	f.wg.Add(1)
	go f.serve()
	return f, nil
}

func (f *udpForwarder) setNodePort(p int32) { f.nodePort.Store(p) }

func (f *udpForwarder) serve() {
	defer f.wg.Done()
	buf := make([]byte, udpBufferSize)
	for {
		n, client, err := f.pc.ReadFromUDP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		sess := f.session(client)
		if sess != nil {
			_, _ = sess.Write(buf[:n])
		}
	}
}

// session returns the backend socket of client, dialing one if needed.
func (f *udpForwarder) session(client *net.UDPAddr) *net.UDPConn {
	key := client.String()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	if s, ok := f.sessions[key]; ok {
		return s
	}
	for _, addr := range f.order() {
		ra, err := net.ResolveUDPAddr("udp", addr)
		if err != nil {
			continue
		}
		s, err := net.DialUDP("udp", nil, ra)
		if err != nil {
			continue
		}
		f.sessions[key] = s
		f.wg.Add(1)
		go f.replies(key, client, s)
		return s
	}
	return nil
}

// replies copies the backend's datagrams back to client until the session
// idles out or the forwarder closes.
func (f *udpForwarder) replies(key string, client *net.UDPAddr, s *net.UDPConn) {
	defer f.wg.Done()
	defer func() {
		f.mu.Lock()
		if f.sessions[key] == s {
			delete(f.sessions, key)
		}
		f.mu.Unlock()
		s.Close()
	}()
	buf := make([]byte, udpBufferSize)
	for {
		_ = s.SetReadDeadline(time.Now().Add(udpIdleTimeout))
		n, err := s.Read(buf)
		if err != nil {
			return
		}
		if _, err := f.pc.WriteToUDP(buf[:n], client); err != nil {
			return
		}
	}
}

func (f *udpForwarder) close() {
	f.mu.Lock()
	f.closed = true
	_ = f.pc.Close()
	for _, s := range f.sessions {
		_ = s.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

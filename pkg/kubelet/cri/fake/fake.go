// Package fake is an in-process CRI runtime and image service for tests:
// it keeps sandboxes, containers and images in memory, and lets a test make
// containers exit, fail calls and script ExecSync answers.
package fake

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"

	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// Sandbox is a fake pod sandbox.
type Sandbox struct {
	ID        string
	Config    *runtimeapi.PodSandboxConfig
	State     runtimeapi.PodSandboxState
	CreatedAt int64
	IP        string
}

// Container is a fake container.
type Container struct {
	ID          string
	SandboxID   string
	Config      *runtimeapi.ContainerConfig
	State       runtimeapi.ContainerState
	CreatedAt   int64
	StartedAt   int64
	FinishedAt  int64
	ExitCode    int32
	Reason      string
	Message     string
	ImageRef    string
	StopTimeout int64
}

// Name returns the container's metadata name.
func (c *Container) Name() string { return c.Config.GetMetadata().GetName() }

// ExecFunc answers an ExecSync call.
type ExecFunc func(c *Container, cmd []string) (stdout, stderr string, exitCode int32, err error)

// Server implements runtime.v1 RuntimeService and ImageService in memory.
type Server struct {
	runtimeapi.UnimplementedRuntimeServiceServer
	runtimeapi.UnimplementedImageServiceServer

	mu         sync.Mutex
	now        func() time.Time
	seq        int
	sandboxes  map[string]*Sandbox
	containers map[string]*Container
	images     map[string]*runtimeapi.Image
	imageSeq   int
	pullable   map[string]bool
	failures   map[string][]error
	sticky     map[string]error
	delays     map[string]time.Duration
	calls      []string
	exec       ExecFunc
	onStart    func(c *Container)
	onStop     func(c *Container, timeout int64)
	usage      UsageFunc
	cpu        map[string]*cpuCounter
	dir        string

	grpc *grpc.Server
	// Endpoint is the unix socket the server listens on after Start.
	Endpoint string
}

// New returns an empty fake runtime whose timestamps come from now (time.Now when nil).
func New(now func() time.Time) *Server {
	if now == nil {
		now = time.Now
	}
	return &Server{
		now:        now,
		sandboxes:  map[string]*Sandbox{},
		containers: map[string]*Container{},
		images:     map[string]*runtimeapi.Image{},
		pullable:   map[string]bool{},
		failures:   map[string][]error{},
		sticky:     map[string]error{},
		delays:     map[string]time.Duration{},
		cpu:        map[string]*cpuCounter{},
	}
}

// Start serves the fake on a unix socket in dir.
func (s *Server) Start(dir string) error {
	sock := filepath.Join(dir, "cri.sock")
	_ = os.Remove(sock)
	lis, err := net.Listen("unix", sock)
	if err != nil {
		return fmt.Errorf("listen %s: %w", sock, err)
	}
	s.mu.Lock()
	s.dir = dir
	s.mu.Unlock()
	s.grpc = grpc.NewServer()
	runtimeapi.RegisterRuntimeServiceServer(s.grpc, s)
	runtimeapi.RegisterImageServiceServer(s.grpc, s)
	s.Endpoint = "unix://" + sock
	go s.grpc.Serve(lis)
	return nil
}

// Stop stops serving.
func (s *Server) Stop() {
	if s.grpc != nil {
		s.grpc.Stop()
	}
}

// AddImage makes ref present in the image store.
func (s *Server) AddImage(ref string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addImageLocked(ref)
}

func (s *Server) addImageLocked(ref string) *runtimeapi.Image {
	if img, ok := s.images[ref]; ok {
		return img
	}
	s.imageSeq++
	img := &runtimeapi.Image{Id: "sha256:" + fmt.Sprintf("%064x", s.imageSeq), RepoTags: []string{ref}, Size: 1 << 20}
	s.images[ref] = img
	return img
}

// SetPullable says whether PullImage of ref succeeds (every ref is pullable by default).
func (s *Server) SetPullable(ref string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pullable[ref] = ok
}

// FailNext makes the next call of method (e.g. "StartContainer") return err.
func (s *Server) FailNext(method string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], err)
}

// SetFailure makes every call of method return err until cleared with nil.
func (s *Server) SetFailure(method string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		delete(s.sticky, method)
		return
	}
	s.sticky[method] = err
}

// SetDelay makes every call of method wait d (real time) before answering.
func (s *Server) SetDelay(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays[method] = d
}

// SetExec installs the ExecSync handler; without one ExecSync exits 0 with no output.
func (s *Server) SetExec(f ExecFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exec = f
}

// OnStart installs a hook run (under the server lock) right after a container starts;
// it may change the container, e.g. make it exit at once.
func (s *Server) OnStart(f func(c *Container)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onStart = f
}

// OnStop installs a hook run (under the server lock) when StopContainer
// stops a running container; it may set the exit code and reason.
func (s *Server) OnStop(f func(c *Container, timeout int64)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onStop = f
}

// Exit makes a running container exit with code and reason (e.g. "OOMKilled").
func (s *Server) Exit(id string, code int32, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.containers[id]; ok && c.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
		c.State = runtimeapi.ContainerState_CONTAINER_EXITED
		c.ExitCode = code
		c.Reason = reason
		c.FinishedAt = s.now().UnixNano()
	}
}

// Calls returns the recorded calls, like "StartContainer app".
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// ResetCalls forgets the recorded calls.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Containers returns copies of the containers named name (all when empty), oldest first.
func (s *Server) Containers(name string) []Container {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Container
	for _, c := range s.containers {
		if name == "" || c.Name() == name {
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].CreatedAt < out[j].CreatedAt || (out[i].CreatedAt == out[j].CreatedAt && out[i].ID < out[j].ID)
	})
	return out
}

// Running returns the ID of the running container named name, or "".
func (s *Server) Running(name string) string {
	for _, c := range s.Containers(name) {
		if c.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
			return c.ID
		}
	}
	return ""
}

// Sandboxes returns copies of all sandboxes.
func (s *Server) Sandboxes() []Sandbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sandbox
	for _, sb := range s.sandboxes {
		out = append(out, *sb)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].CreatedAt < out[j].CreatedAt || (out[i].CreatedAt == out[j].CreatedAt && out[i].ID < out[j].ID)
	})
	return out
}

// enter records a call, applies its delay and returns an injected failure.
func (s *Server) enter(method, detail string) error {
	s.mu.Lock()
	d := s.delays[method]
	s.mu.Unlock()
	if d > 0 {
		time.Sleep(d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	call := method
	if detail != "" {
		call += " " + detail
	}
	s.calls = append(s.calls, call)
	if q := s.failures[method]; len(q) > 0 {
		s.failures[method] = q[1:]
		return q[0]
	}
	return s.sticky[method]
}

func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%06d", prefix, s.seq)
}

func notFound(kind, id string) error {
	return status.Errorf(codes.NotFound, "%s %q not found", kind, id)
}

func matchLabels(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func (s *Server) containerName(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.containers[id]; ok {
		return c.Name()
	}
	return id
}

func (s *Server) sandboxName(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sb, ok := s.sandboxes[id]; ok {
		return sb.Config.GetMetadata().GetName()
	}
	return id
}

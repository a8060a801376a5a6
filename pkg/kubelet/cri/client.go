package cri

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// DefaultEndpoint is containerd's CRI socket.
const DefaultEndpoint = "unix:///run/containerd/containerd.sock"

// Labels and annotations the kubelet puts on sandboxes and containers.
const (
	LabelPodName        = "io.kubernetes.pod.name"
	LabelPodNamespace   = "io.kubernetes.pod.namespace"
	LabelPodUID         = "io.kubernetes.pod.uid"
	LabelContainerName  = "io.kubernetes.container.name"
	AnnotationRestarts  = "io.kubernetes.container.restartCount"
	AnnotationHash      = "io.kubernetes.container.hash"
	AnnotationTermPath  = "io.kubernetes.container.terminationMessagePath"
	AnnotationGrace     = "io.kubernetes.pod.terminationGracePeriod"
	AnnotationInitIndex = "keel.dev/init-container-index"
)

// Service is the whole CRI surface: runtime and image services.
type Service interface {
	runtimeapi.RuntimeServiceClient
	runtimeapi.ImageServiceClient
}

// Client is a Service backed by one gRPC connection.
type Client struct {
	runtimeapi.RuntimeServiceClient
	runtimeapi.ImageServiceClient
	conn *grpc.ClientConn
	// RuntimeName is the name the runtime reported from Version, e.g. "containerd".
	RuntimeName string
}

var _ Service = (*Client)(nil)

// Dial connects to the CRI endpoint ("unix:///path" or a plain socket path)
// and checks it answers Version.
func Dial(ctx context.Context, endpoint string) (*Client, error) {
	target := endpoint
	if !strings.Contains(target, "://") {
		target = "unix://" + target
	}
	conn, err := grpc.NewClient(target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20)))
	if err != nil {
		return nil, fmt.Errorf("dial CRI %s: %w", endpoint, err)
	}
	c := &Client{
		RuntimeServiceClient: runtimeapi.NewRuntimeServiceClient(conn),
		ImageServiceClient:   runtimeapi.NewImageServiceClient(conn),
		conn:                 conn,
	}
	vctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := c.Version(vctx, &runtimeapi.VersionRequest{Version: "v1"})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("CRI version from %s: %w", endpoint, err)
	}
	c.RuntimeName = v.RuntimeName
	return c, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// FormatContainerID returns the "<runtime>://<id>" form used in pod status.
func FormatContainerID(runtimeName, id string) string {
	if runtimeName == "" {
		runtimeName = "containerd"
	}
	return runtimeName + "://" + id
}

// ParseContainerID strips the "<runtime>://" prefix.
func ParseContainerID(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		return s[i+3:]
	}
	return s
}

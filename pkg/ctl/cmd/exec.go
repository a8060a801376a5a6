package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/client"
)

// Channels of the v5.channel.k8s.io streaming protocol.
const (
	chanStdin  = 0
	chanStdout = 1
	chanStderr = 2
	chanStatus = 3
	chanResize = 4
	chanClose  = 255
)

// NewExecCommand returns `exec` over WebSocket (v5.channel.k8s.io).
func NewExecCommand(f *Factory) *cobra.Command {
	var container string
	var stdin, tty bool
	c := &cobra.Command{
		Use:   "exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]",
		Short: "Execute a command in a container",
		RunE: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if dash < 0 || dash == len(args) {
				return fmt.Errorf("you must specify at least one command for the container")
			}
			if dash != 1 {
				return fmt.Errorf("exec requires exactly one POD or TYPE/NAME before --, got %d", dash)
			}
			return runExec(cmd.Context(), f, args[0], container, args[1:], stdin, tty)
		},
	}
	c.Flags().StringVarP(&container, "container", "c", "", "Container name. If omitted, use the default container annotation or the first container")
	c.Flags().BoolVarP(&stdin, "stdin", "i", false, "Pass stdin to the container")
	c.Flags().BoolVarP(&tty, "tty", "t", false, "Stdin is a TTY")
	return c
}

func runExec(ctx context.Context, f *Factory, ref, container string, command []string, stdin, tty bool) error {
	c, err := f.Client()
	if err != nil {
		return err
	}
	ns, _ := f.DefaultNamespace()
	pod, err := f.podFor(ctx, c, ns, ref)
	if err != nil {
		return err
	}
	if container == "" {
		container = f.defaultContainer(pod)
	}
	if phase := gets(pod, "status", "phase"); phase == "Succeeded" || phase == "Failed" {
		return fmt.Errorf("cannot exec into a container in a completed pod; current phase is %s", phase)
	}
	t, tty := setupTTY(f.In, f.Out, f.ErrOut, stdin, tty)
	var sizes <-chan termSize
	if t != nil {
		if err := t.makeRaw(); err != nil {
			return err
		}
		defer t.restore()
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		sizes = t.sizes(sctx)
	}
	return execStreamTTY(ctx, c, pod, container, command, stdinReader(f, stdin), f.Out, f.ErrOut, tty, sizes)
}

func stdinReader(f *Factory, on bool) io.Reader {
	if on {
		return f.In
	}
	return nil
}

// execStream runs command in the pod's container over WebSocket, copying
// stdin (when non-nil) in and stdout/stderr out.
func execStream(ctx context.Context, c *client.Client, pod map[string]any, container string, command []string, stdin io.Reader, stdout, stderr io.Writer, tty bool) error {
	return execStreamTTY(ctx, c, pod, container, command, stdin, stdout, stderr, tty, nil)
}

// execStreamTTY is execStream that also sends each terminal size from
// sizes on the resize channel.
func execStreamTTY(ctx context.Context, c *client.Client, pod map[string]any, container string, command []string, stdin io.Reader, stdout, stderr io.Writer, tty bool, sizes <-chan termSize) error {
	q := url.Values{"command": command, "container": {container}, "stdout": {"true"}}
	if !tty {
		q.Set("stderr", "true")
	}
	if stdin != nil {
		q.Set("stdin", "true")
	}
	if tty {
		q.Set("tty", "true")
	}
	path := "/api/v1/namespaces/" + metaString(pod, "namespace") + "/pods/" + metaString(pod, "name") + "/exec"
	ws, err := c.DialWebSocket(ctx, path, q, "v5.channel.k8s.io")
	var ue *client.UpgradeError
	if errors.As(err, &ue) {
		// Like kubectl, retry over SPDY after any refusal of the WebSocket.
		return execSPDY(ctx, c, path, q, stdin, stdout, stderr, sizes)
	}
	if err != nil {
		return err
	}
	defer ws.Close()
	if sizes != nil {
		go func() {
			for sz := range sizes {
				msg, _ := json.Marshal(sz)
				if ws.WriteMessage(append([]byte{chanResize}, msg...)) != nil {
					return
				}
			}
		}()
	}
	if stdin != nil {
		go func() {
			buf := make([]byte, 32*1024)
			for {
				n, err := stdin.Read(buf)
				if n > 0 {
					if ws.WriteMessage(append([]byte{chanStdin}, buf[:n]...)) != nil {
						return
					}
				}
				if err != nil {
					ws.WriteMessage([]byte{chanClose, chanStdin})
					return
				}
			}
		}()
	}
	for {
		msg, err := ws.ReadMessage()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(msg) == 0 {
			continue
		}
		switch msg[0] {
		case chanStdout:
			stdout.Write(msg[1:])
		case chanStderr:
			stderr.Write(msg[1:])
		case chanStatus:
			return execStatus(msg[1:])
		}
	}
}

// execStatus turns the status channel's Status into nil, an exit code or an error.
func execStatus(data []byte) error {
	var st struct {
		Status  string `json:"status"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
		Details struct {
			Causes []struct {
				Reason  string `json:"reason"`
				Message string `json:"message"`
			} `json:"causes"`
		} `json:"details"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("error decoding exec status: %w", err)
	}
	if st.Status == "Success" {
		return nil
	}
	if st.Reason == "NonZeroExitCode" {
		for _, c := range st.Details.Causes {
			if c.Reason == "ExitCode" {
				if n, err := strconv.Atoi(c.Message); err == nil {
					return &ExitError{Code: n, Message: fmt.Sprintf("command terminated with exit code %d", n)}
				}
			}
		}
	}
	return fmt.Errorf("%s", st.Message)
}

// podFor resolves POD or TYPE/NAME (a workload's first pod) to a pod object.
func (f *Factory) podFor(ctx context.Context, c *client.Client, ns, ref string) (map[string]any, error) {
	if !strings.Contains(ref, "/") {
		ref = "pods/" + ref
	}
	typ, name, _ := strings.Cut(ref, "/")
	info, err := f.Resolve(ctx, typ)
	if err != nil {
		return nil, err
	}
	obj, err := getJSON(ctx, c, info, nsFor(info, ns), name)
	if err != nil {
		return nil, err
	}
	if info.Kind == "Pod" {
		return obj, nil
	}
	pods, err := f.Resolve(ctx, "pods")
	if err != nil {
		return nil, err
	}
	items, _, err := listJSON(ctx, c, pods, ns, listOptions{labelSelector: selectorString(obj)})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no pods found for %s", ref)
	}
	return items[0], nil
}

// defaultContainer picks the annotated default container or the first one,
// noting the choice on stderr when there are several.
func (f *Factory) defaultContainer(pod map[string]any) string {
	names := containerNames(pod)
	if d, ok := getMap(pod, "metadata", "annotations")["kubectl.kubernetes.io/default-container"].(string); ok && d != "" {
		return d
	}
	if len(names) == 0 {
		return ""
	}
	if len(names) > 1 {
		fmt.Fprintf(f.ErrOut, "Defaulted container %q out of: %s\n", names[0], strings.Join(names, ", "))
	}
	return names[0]
}

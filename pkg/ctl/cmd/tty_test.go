package cmd_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"keel.dev/keel/pkg/ctl/app"
	"keel.dev/keel/pkg/ctl/cmd"
)

// openPTY opens a pseudo-terminal pair with the given size.
func openPTY(t *testing.T, cols, rows uint16) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here (open /dev/ptmx: %v)", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("ptsname: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open the pty slave: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	setSize(t, m, cols, rows)
	return m, s
}

func setSize(t *testing.T, f *os.File, cols, rows uint16) {
	t.Helper()
	if err := unix.IoctlSetWinsize(int(f.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Col: cols, Row: rows}); err != nil {
		t.Fatalf("set the window size: %v", err)
	}
}

func echoOn(t *testing.T, f *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("get termios: %v", err)
	}
	return tio.Lflag&unix.ECHO != 0 && tio.Lflag&unix.ICANON != 0
}

// waitFor polls out until it contains want; it fails when exec ended
// (done closed) without printing it.
func waitFor(t *testing.T, out *syncBuffer, want string, done <-chan struct{}) {
	t.Helper()
	for !strings.Contains(out.String(), want) {
		select {
		case <-done:
			if !strings.Contains(out.String(), want) {
				t.Fatalf("exec ended before printing %q; output %q", want, out.String())
			}
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestExecWithATerminal(t *testing.T) {
	t.Run("over WebSocket", func(t *testing.T) { testExecWithATerminal(t, false) })
	t.Run("over SPDY after the WebSocket is refused", func(t *testing.T) { testExecWithATerminal(t, true) })
}

func testExecWithATerminal(t *testing.T, refuseWS bool) {
	s := newServer(t)
	s.RefuseWebSocketExec = refuseWS
	addPod(s, "default", "p", nil)
	master, slave := openPTY(t, 80, 24)
	if !echoOn(t, slave) {
		t.Fatal("a new pty should start in cooked mode")
	}
	var out, errOut syncBuffer
	f := cmd.NewFactory()
	f.In, f.Out, f.ErrOut = slave, &out, &errOut
	f.SetClient(testClient(s))
	root := app.NewCommand(f)
	root.SetArgs([]string{"exec", "-it", "p", "--", "resize"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	code := -1
	go func() {
		defer close(done)
		code = cmd.HandleError(&errOut, root.ExecuteContext(ctx))
	}()

	t.Run("the size is sent at the start, with a TTY requested", func(t *testing.T) {
		waitFor(t, &out, `tty=true resize {"Width":80,"Height":24}`+"\n", done)
	})
	t.Run("the terminal is raw while the command runs", func(t *testing.T) {
		if echoOn(t, slave) {
			t.Error("echo and canonical mode are still on")
		}
	})
	t.Run("a window change is sent on SIGWINCH", func(t *testing.T) {
		setSize(t, master, 100, 30)
		if err := syscall.Kill(os.Getpid(), syscall.SIGWINCH); err != nil {
			t.Fatal(err)
		}
		waitFor(t, &out, `tty=true resize {"Width":100,"Height":30}`+"\n", done)
	})
	t.Run("the terminal is restored on exit", func(t *testing.T) {
		<-done
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		if !echoOn(t, slave) {
			t.Error("the terminal was left in raw mode")
		}
		if errOut.String() != "" {
			t.Errorf("stderr %q", errOut.String())
		}
	})
}

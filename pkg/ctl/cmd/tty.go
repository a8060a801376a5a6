package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// termSize is a terminal size as the resize channel carries it.
type termSize struct {
	Width  uint16
	Height uint16
}

// terminal is the local terminal an `exec -t` session runs on.
type terminal struct {
	in     *os.File
	sizeFd int
	state  *term.State
}

// setupTTY applies kubectl's rules: a TTY needs stdin (-i), and stdin
// must be a terminal, else a warning is printed and exec goes on without
// one. It returns the terminal (nil without a TTY) and whether to ask the
// server for a TTY.
func setupTTY(in io.Reader, out, errOut io.Writer, stdin, tty bool) (*terminal, bool) {
	if !stdin || !tty {
		return nil, false
	}
	f, ok := in.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		fmt.Fprintln(errOut, "Unable to use a TTY - input is not a terminal or the right kind of file")
		return nil, false
	}
	t := &terminal{in: f, sizeFd: int(f.Fd())}
	if of, ok := out.(*os.File); ok && term.IsTerminal(int(of.Fd())) {
		t.sizeFd = int(of.Fd())
	}
	return t, true
}

// makeRaw puts the terminal in raw mode until restore.
func (t *terminal) makeRaw() error {
	st, err := term.MakeRaw(int(t.in.Fd()))
	if err != nil {
		return fmt.Errorf("set the terminal to raw mode: %w", err)
	}
	t.state = st
	return nil
}

// restore puts the terminal back the way makeRaw found it.
func (t *terminal) restore() {
	if t.state != nil {
		term.Restore(int(t.in.Fd()), t.state)
		t.state = nil
	}
}

func (t *terminal) size() (termSize, bool) {
	w, h, err := term.GetSize(t.sizeFd)
	if err != nil || w <= 0 || h <= 0 {
		return termSize{}, false
	}
	return termSize{Width: uint16(w), Height: uint16(h)}, true
}

// sizes sends the terminal's size now and again on each SIGWINCH that
// changes it, until ctx ends.
func (t *terminal) sizes(ctx context.Context) <-chan termSize {
	ch := make(chan termSize, 1)
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		defer signal.Stop(winch)
		defer close(ch)
		last, ok := t.size()
		if ok {
			ch <- last
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-winch:
				sz, ok := t.size()
				if !ok || sz == last {
					continue
				}
				last = sz
				select {
				case ch <- sz:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return ch
}

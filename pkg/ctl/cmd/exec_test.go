package cmd_test

import (
	"os"
	"path/filepath"
	"testing"
)

func TestExec(t *testing.T) {
	s := newServer(t)
	addPod(s, "default", "p", nil)
	cases := []struct {
		name, stdin string
		args        []string
		out, errOut string
		code        int
	}{
		{name: "stdout and stderr are demultiplexed", args: []string{"exec", "p", "--", "echo", "hi"},
			out: "ran: echo hi\n", errOut: "container c\n"},
		{name: "stdin is streamed and closed", stdin: "abc", args: []string{"exec", "-i", "p", "--", "cat"},
			out: "ran: cat\necho: abc", errOut: "container c\n"},
		{name: "a non-zero exit code becomes ctl's exit code", args: []string{"exec", "p", "-c", "c", "--", "fail"},
			out: "ran: fail\n", errOut: "container c\ncommand terminated with exit code 3\n", code: 3},
		{name: "-it without a terminal on stdin warns and runs without a TTY", stdin: "x", args: []string{"exec", "-it", "p", "--", "cat"},
			out: "ran: cat\necho: x", errOut: "Unable to use a TTY - input is not a terminal or the right kind of file\ncontainer c\n"},
		{name: "-t without -i runs without a TTY and without a warning", args: []string{"exec", "-t", "p", "--", "ls"},
			out: "ran: ls\n", errOut: "container c\n"},
		{name: "a command is required", args: []string{"exec", "p"},
			errOut: "error: you must specify at least one command for the container\n", code: 1},
		{name: "a missing pod is NotFound", args: []string{"exec", "nosuch", "--", "ls"},
			errOut: "Error from server (NotFound): pods \"nosuch\" not found\n", code: 1},
	}
	for _, refuseWS := range []bool{false, true} {
		s.RefuseWebSocketExec = refuseWS
		transport := "over WebSocket"
		if refuseWS {
			transport = "over SPDY after the WebSocket is refused"
		}
		for _, tc := range cases {
			t.Run(tc.name+" "+transport, func(t *testing.T) {
				out, errOut, code := run(t, s, tc.stdin, tc.args...)
				if out != tc.out || errOut != tc.errOut || code != tc.code {
					t.Errorf("got %q %q %d, want %q %q %d", out, errOut, code, tc.out, tc.errOut, tc.code)
				}
			})
		}
	}
}

func TestCp(t *testing.T) {
	s := newServer(t)
	addPod(s, "default", "p", nil)
	dst := filepath.Join(t.TempDir(), "out")
	if _, errOut, code := run(t, s, "", "cp", "p:/data", dst); code != 0 {
		t.Fatalf("cp from pod: %s", errOut)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "a.txt")); err != nil || string(b) != "hello" {
		t.Errorf("copied file: %q %v", b, err)
	}
	src := filepath.Join(t.TempDir(), "f.txt")
	os.WriteFile(src, []byte("up"), 0o644)
	if _, errOut, code := run(t, s, "", "cp", src, "default/p:/tmp/g.txt"); code != 0 {
		t.Fatalf("cp to pod: %s", errOut)
	}
	if len(s.Received) != 1 || s.Received[0] != "/tmp/g.txt=up" {
		t.Errorf("received %v", s.Received)
	}
}

// Command mkimage builds Keel's local OCI images without a registry:
//
//	mkimage -out DIR -pause PAUSE_BINARY -busybox BUSYBOX_BINARY [-openssl HELPER]
//
// writes DIR/pause.tar (keel.local/pause:3) and DIR/busybox.tar
// (keel.local/busybox:1.35, with a link per busybox applet in /bin and,
// with -openssl, the TLS helper of busybox's wget as /bin/openssl).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"keel.dev/keel/internal/ociimage"
)

func main() {
	out := flag.String("out", "_output/images", "directory for the image tarballs")
	pause := flag.String("pause", "", "static pause binary")
	busybox := flag.String("busybox", "", "static busybox binary (Debian's busybox-static)")
	openssl := flag.String("openssl", "", "static TLS helper for busybox wget (hack/images/openssl), installed as /bin/openssl")
	flag.Parse()
	if err := run(*out, *pause, *busybox, *openssl); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

func run(out, pause, busybox, openssl string) error {
	if pause == "" || busybox == "" {
		return fmt.Errorf("-pause and -busybox are required")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	p, err := os.ReadFile(pause)
	if err != nil {
		return err
	}
	if err := write(filepath.Join(out, "pause.tar"), ociimage.Image{
		Name:   "keel.local/pause:3",
		Files:  []ociimage.File{{Path: "pause", Mode: 0o755, Data: p}},
		Config: ociimage.Config{Entrypoint: []string{"/pause"}},
	}); err != nil {
		return err
	}
	b, err := os.ReadFile(busybox)
	if err != nil {
		return err
	}
	list, err := exec.Command(busybox, "--list").Output()
	if err != nil {
		return fmt.Errorf("list busybox applets: %w", err)
	}
	files := []ociimage.File{
		{Path: "bin/busybox", Mode: 0o755, Data: b},
		{Path: "tmp", Mode: fs.ModeDir | 0o1777},
		{Path: "etc/passwd", Mode: 0o644, Data: []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")},
		{Path: "etc/group", Mode: 0o644, Data: []byte("root:x:0:\nnogroup:x:65534:\n")},
		{Path: "root", Mode: fs.ModeDir | 0o700},
		{Path: "var/www", Mode: fs.ModeDir | 0o755},
	}
	if openssl != "" {
		helper, err := os.ReadFile(openssl)
		if err != nil {
			return err
		}
		files = append(files, ociimage.File{Path: "bin/openssl", Mode: 0o755, Data: helper})
	}
	for _, applet := range strings.Fields(string(bytes.TrimSpace(list))) {
		if applet == "busybox" {
			continue
		}
		files = append(files, ociimage.File{Path: "bin/" + applet, Mode: fs.ModeSymlink, Link: "busybox"})
	}
	return write(filepath.Join(out, "busybox.tar"), ociimage.Image{
		Name:   "keel.local/busybox:1.35",
		Files:  files,
		Config: ociimage.Config{Cmd: []string{"sh"}},
	})
}

func write(path string, img ociimage.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := ociimage.Build(f, img); err != nil {
		f.Close()
		return err
	}
	fmt.Printf("wrote %s (%s)\n", path, img.Name)
	return f.Close()
}

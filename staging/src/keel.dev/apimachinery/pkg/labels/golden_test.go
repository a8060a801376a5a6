package labels

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// goldenCase is one line of testdata/parse_golden.txt: `"input" OK|ERR "result"`.
type goldenCase struct {
	in, status, result string
}

func readGolden(t *testing.T, path string) []goldenCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []goldenCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, err := strconv.QuotedPrefix(line)
		if err != nil {
			t.Fatalf("bad golden line %q: %v", line, err)
		}
		in, _ := strconv.Unquote(q)
		status, rest, _ := strings.Cut(strings.TrimPrefix(line[len(q):], " "), " ")
		res, err := strconv.Unquote(rest)
		if err != nil {
			t.Fatalf("bad golden result in %q: %v", line, err)
		}
		out = append(out, goldenCase{in, status, res})
	}
	if len(out) == 0 {
		t.Fatal("empty golden file")
	}
	return out
}

// TestParseMatchesKubernetesGolden replays inputs whose results were recorded
// from Kubernetes' own parser: the same inputs must parse to the same canonical
// string, or fail with the same message.
func TestParseMatchesKubernetesGolden(t *testing.T) {
	for i, gc := range readGolden(t, "testdata/parse_golden.txt") {
		sel, err := Parse(gc.in)
		switch {
		case gc.status == "OK" && err != nil:
			t.Errorf("line %d: Parse(%q) failed with %v, Kubernetes gives %q", i, gc.in, err, gc.result)
		case gc.status == "OK" && sel.String() != gc.result:
			t.Errorf("line %d: Parse(%q) = %q, Kubernetes gives %q", i, gc.in, sel.String(), gc.result)
		case gc.status == "ERR" && err == nil:
			t.Errorf("line %d: Parse(%q) = %q, Kubernetes fails with %q", i, gc.in, sel.String(), gc.result)
		case gc.status == "ERR" && err.Error() != gc.result:
			t.Errorf("line %d: Parse(%q) error\n got  %q\n want %q", i, gc.in, err, gc.result)
		}
	}
}

package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/ctl/client"
)

type contextLike = context.Context

// ExitError carries an exit code and, optionally, a message printed as it
// is (no "error: " prefix), like kubectl's "command terminated with exit
// code N".
type ExitError struct {
	Code    int
	Message string
}

func (e *ExitError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// Aggregate is several errors reported together.
type Aggregate []error

func (a Aggregate) Error() string {
	msgs := make([]string, len(a))
	for i, e := range a {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// ErrOrNil returns nil for an empty aggregate, the sole error for one.
func (a Aggregate) ErrOrNil() error {
	switch len(a) {
	case 0:
		return nil
	case 1:
		return a[0]
	}
	return a
}

// FormatError renders an error the way kubectl prints it.
func FormatError(err error) string {
	var agg Aggregate
	if errors.As(err, &agg) {
		var b strings.Builder
		for _, e := range agg {
			b.WriteString(FormatError(e))
		}
		return b.String()
	}
	var conn *client.ConnectionError
	if errors.As(err, &conn) {
		return conn.Error() + "\n"
	}
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		return formatStatus(se.ErrStatus)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "error: ") {
		msg = "error: " + msg
	}
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	return msg
}

func formatStatus(st metav1.Status) string {
	if st.Reason == metav1.StatusReasonInvalid {
		head := "The request is invalid"
		if d := st.Details; d != nil {
			head = fmt.Sprintf("The %s %q is invalid", d.Kind, d.Name)
			if len(d.Causes) > 0 {
				var lines []string
				for _, c := range d.Causes {
					if c.Field != "" {
						lines = append(lines, c.Field+": "+c.Message)
					} else {
						lines = append(lines, c.Message)
					}
				}
				if len(lines) == 1 {
					return head + ": " + lines[0] + "\n"
				}
				var b strings.Builder
				b.WriteString(head + ": \n")
				for _, l := range lines {
					b.WriteString("* " + l + "\n")
				}
				return b.String()
			}
		}
		return "Error from server (Invalid): " + st.Message + "\n"
	}
	if st.Reason != "" && st.Reason != metav1.StatusReasonUnknown {
		return fmt.Sprintf("Error from server (%s): %s\n", st.Reason, st.Message)
	}
	return fmt.Sprintf("Error from server: %s\n", st.Message)
}

// HandleError prints err (an ExitError only by its message) and returns the exit code.
func HandleError(w io.Writer, err error) int {
	if err == nil {
		return 0
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Message != "" {
			io.WriteString(w, strings.TrimSuffix(ee.Message, "\n")+"\n")
		}
		return ee.Code
	}
	io.WriteString(w, FormatError(err))
	return 1
}

package rest

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
)

// Result is the outcome of a request.
type Result struct {
	c           *Client
	body        []byte
	contentType string
	statusCode  int
	err         error
}

// Do sends the request and reads the whole response.
func (r *Request) Do(ctx context.Context) Result {
	if r.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.timeout)
		defer cancel()
	}
	res := Result{c: r.c}
	res.err = r.do(ctx, func(resp *http.Response) error {
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return fmt.Errorf("read response: %w", err)
		}
		res.body, res.statusCode = body, resp.StatusCode
		res.contentType = resp.Header.Get("Content-Type")
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return r.transformError(resp.StatusCode, res.contentType, body)
		}
		return nil
	})
	return res
}

// Into sends the request and decodes the response into obj.
func (r *Request) Into(ctx context.Context, obj runtime.Object) error {
	return r.Do(ctx).Into(obj)
}

// DoRaw sends the request and returns the response body.
func (r *Request) DoRaw(ctx context.Context) ([]byte, error) {
	res := r.Do(ctx)
	return res.body, res.err
}

// Stream sends the request and returns the response body for streaming
// (logs); the caller closes it.
func (r *Request) Stream(ctx context.Context) (io.ReadCloser, error) {
	var out io.ReadCloser
	err := r.do(ctx, func(resp *http.Response) error {
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return r.transformError(resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		out = resp.Body
		return nil
	})
	return out, err
}

// transformError turns a non-2xx response into an error: the Status the
// server sent as *apierrors.StatusError, or a generic server response.
func (r *Request) transformError(code int, contentType string, body []byte) error {
	if st := decodeStatus(r.c, contentType, body); st != nil {
		if st.Code == 0 {
			st.Code = int32(code)
		}
		return apierrors.FromObject(st)
	}
	return apierrors.NewGenericServerResponse(code, r.method, r.groupResource(), r.name, string(body))
}

// decodeStatus returns the metav1.Status in body, or nil.
func decodeStatus(c *Client, contentType string, body []byte) *metav1.Status {
	if len(body) == 0 {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if _, ok := c.codecs.SerializerForMediaType(mt); !ok {
		return nil
	}
	obj, _, err := c.codecs.UniversalDeserializer().Decode(body, nil, nil)
	if err != nil {
		return nil
	}
	st, ok := obj.(*metav1.Status)
	if !ok || st.Kind != "Status" && st.Status == "" {
		return nil
	}
	return st
}

// Error returns the request's error.
func (r Result) Error() error { return r.err }

// StatusCode returns the HTTP status code.
func (r Result) StatusCode() int { return r.statusCode }

// Raw returns the response body and the request's error.
func (r Result) Raw() ([]byte, error) { return r.body, r.err }

// Get decodes the response into a new object of the kind it names.
func (r Result) Get() (runtime.Object, error) {
	if r.err != nil {
		return nil, r.err
	}
	obj, _, err := r.c.codecs.UniversalDeserializer().Decode(r.body, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("decode response: %w", err)
	}
	return obj, nil
}

// Into decodes the response into obj. A Status body for a non-Status obj
// is returned as an error when it reports failure and ignored otherwise.
func (r Result) Into(obj runtime.Object) error {
	if r.err != nil {
		return r.err
	}
	if len(r.body) == 0 {
		return fmt.Errorf("decode response: empty body")
	}
	mt, _, _ := mime.ParseMediaType(r.contentType)
	info, ok := r.c.codecs.SerializerForMediaType(mt)
	var dec runtime.Decoder = info.Serializer
	if !ok {
		dec = r.c.codecs.UniversalDeserializer()
	}
	out, _, err := dec.Decode(r.body, nil, obj)
	if err != nil {
		if st := decodeStatus(r.c, r.contentType, r.body); st != nil {
			if st.Status == metav1.StatusFailure {
				return apierrors.FromObject(st)
			}
			return nil
		}
		return fmt.Errorf("decode response: %w", err)
	}
	if st, isStatus := out.(*metav1.Status); isStatus && out != obj {
		if st.Status == metav1.StatusFailure {
			return apierrors.FromObject(st)
		}
	}
	return nil
}

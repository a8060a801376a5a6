package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"keel.dev/keel/pkg/ctl/client"
	"keel.dev/keel/pkg/ctl/printers"
	"keel.dev/keel/pkg/ctl/resource"
)

// decodeMap decodes a JSON object keeping numbers exact.
func decodeMap(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decoding response: %w", err)
	}
	return m, nil
}

// target is one resource type with optional names to act on.
type target struct {
	info  resource.Info
	names []string
}

// parseTargets turns `pods`, `pods x y`, `deploy,svc`, `pod/x deploy/y`
// arguments into resolved targets, expanding categories such as `all`.
func (f *Factory) parseTargets(ctx context.Context, args []string) ([]target, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("you must specify the type of resource to get")
	}
	var out []target
	add := func(info resource.Info, name string) {
		for i := range out {
			if out[i].info.GroupResource() == info.GroupResource() {
				if name != "" {
					out[i].names = append(out[i].names, name)
				}
				return
			}
		}
		t := target{info: info}
		if name != "" {
			t.names = []string{name}
		}
		out = append(out, t)
	}
	if strings.Contains(args[0], "/") {
		for _, a := range args {
			i := strings.Index(a, "/")
			if i <= 0 || i == len(a)-1 {
				return nil, fmt.Errorf("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'ctl get resource/<resource_name>' instead of 'ctl get resource resource/<resource_name>'")
			}
			info, err := f.Resolve(ctx, a[:i])
			if err != nil {
				return nil, err
			}
			add(info, a[i+1:])
		}
		return out, nil
	}
	for _, typ := range strings.Split(args[0], ",") {
		if typ == "" {
			continue
		}
		infos, err := f.resolveOrCategory(ctx, typ)
		if err != nil {
			return nil, err
		}
		for _, info := range infos {
			add(info, "")
			for _, n := range args[1:] {
				if strings.Contains(n, "/") {
					return nil, fmt.Errorf("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'ctl get resource/<resource_name>' instead of 'ctl get resource resource/<resource_name>'")
				}
				add(info, n)
			}
		}
	}
	return out, nil
}

func (f *Factory) resolveOrCategory(ctx context.Context, typ string) ([]resource.Info, error) {
	info, err := f.Resolve(ctx, typ)
	if err == nil {
		return []resource.Info{info}, nil
	}
	var nf *resource.NotFoundError
	if !errors.As(err, &nf) {
		return nil, err
	}
	m, merr := f.Mapper()
	if merr != nil {
		return nil, merr
	}
	all, lerr := m.Resources(ctx)
	if lerr != nil {
		return nil, lerr
	}
	var out []resource.Info
	for _, r := range all {
		if !r.Preferred {
			continue
		}
		for _, c := range r.Categories {
			if c == typ {
				out = append(out, r)
			}
		}
	}
	if len(out) == 0 {
		return nil, err
	}
	return out, nil
}

// listOptions are the query parameters of a list.
type listOptions struct {
	labelSelector string
	fieldSelector string
	extra         url.Values
}

func (o listOptions) query() url.Values {
	q := url.Values{}
	if o.labelSelector != "" {
		q.Set("labelSelector", o.labelSelector)
	}
	if o.fieldSelector != "" {
		q.Set("fieldSelector", o.fieldSelector)
	}
	for k, v := range o.extra {
		q[k] = v
	}
	return q
}

// listJSON lists objects as maps (following continue tokens) and returns
// the items with apiVersion and kind filled in plus the list's resourceVersion.
func listJSON(ctx context.Context, c *client.Client, info resource.Info, ns string, o listOptions) ([]map[string]any, string, error) {
	var items []map[string]any
	q := o.query()
	q.Set("limit", "500")
	rv := ""
	for {
		resp, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: info.Path(ns, ""), Query: q})
		if err != nil {
			return nil, "", err
		}
		l, err := decodeMap(resp.Body)
		if err != nil {
			return nil, "", err
		}
		md, _ := l["metadata"].(map[string]any)
		rv, _ = md["resourceVersion"].(string)
		raw, _ := l["items"].([]any)
		for _, it := range raw {
			m, ok := it.(map[string]any)
			if !ok {
				continue
			}
			if _, ok := m["kind"]; !ok {
				m["kind"] = info.Kind
			}
			if _, ok := m["apiVersion"]; !ok {
				m["apiVersion"] = info.GroupVersion()
			}
			items = append(items, m)
		}
		cont, _ := md["continue"].(string)
		if cont == "" {
			return items, rv, nil
		}
		q.Set("continue", cont)
	}
}

// getJSON fetches one object.
func getJSON(ctx context.Context, c *client.Client, info resource.Info, ns, name string) (map[string]any, error) {
	resp, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: info.Path(ns, name)})
	if err != nil {
		return nil, err
	}
	return decodeMap(resp.Body)
}

// listTable lists as a server-side Table (following continue tokens).
func listTable(ctx context.Context, c *client.Client, info resource.Info, ns string, o listOptions) (*printers.Table, error) {
	q := o.query()
	q.Set("limit", "500")
	var table *printers.Table
	for {
		resp, err := c.Do(ctx, client.Request{Method: http.MethodGet, Path: info.Path(ns, ""), Query: q, Accept: client.AcceptTable})
		if err != nil {
			return nil, err
		}
		t, err := tableFromResponse(resp.Body)
		if err != nil {
			return nil, err
		}
		if table == nil {
			table = t
		} else {
			table.Rows = append(table.Rows, t.Rows...)
			table.Metadata.ResourceVersion = t.Metadata.ResourceVersion
		}
		if t.Metadata.Continue == "" {
			return table, nil
		}
		q.Set("continue", t.Metadata.Continue)
	}
}

// tableFromResponse decodes a Table, or builds NAME/AGE from a plain list or object.
func tableFromResponse(data []byte) (*printers.Table, error) {
	t, err := printers.DecodeTable(data)
	if err != nil {
		return nil, err
	}
	if t.Kind == "Table" {
		return t, nil
	}
	m, err := decodeMap(data)
	if err != nil {
		return nil, err
	}
	var items []map[string]any
	if raw, ok := m["items"].([]any); ok {
		for _, it := range raw {
			if mm, ok := it.(map[string]any); ok {
				items = append(items, mm)
			}
		}
	} else {
		items = append(items, m)
	}
	out := printers.TableFromList(items, nowFunc())
	if md, ok := m["metadata"].(map[string]any); ok {
		out.Metadata.ResourceVersion, _ = md["resourceVersion"].(string)
		out.Metadata.Continue, _ = md["continue"].(string)
	}
	return out, nil
}

func metaString(obj map[string]any, key string) string {
	md, _ := obj["metadata"].(map[string]any)
	s, _ := md[key].(string)
	return s
}

package rest

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// EncodeParams adds the query parameters of an options struct (such as
// metav1.ListOptions) to q: each exported field with a JSON name and a
// non-zero value, with slices repeated; inline structs are skipped.
func EncodeParams(opts any, q url.Values) error {
	v := reflect.ValueOf(opts)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return fmt.Errorf("encode parameters: %T is not a struct", opts)
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "" || name == "-" || f.Anonymous {
			continue
		}
		fv := v.Field(i)
		if fv.IsZero() {
			continue
		}
		for fv.Kind() == reflect.Pointer {
			fv = fv.Elem()
		}
		if fv.Kind() == reflect.Slice {
			for j := 0; j < fv.Len(); j++ {
				q.Add(name, scalar(fv.Index(j)))
			}
			continue
		}
		if fv.Kind() == reflect.Struct {
			continue
		}
		q.Set(name, scalar(fv))
	}
	return nil
}

func scalar(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.String:
		return v.String()
	}
	return fmt.Sprint(v.Interface())
}

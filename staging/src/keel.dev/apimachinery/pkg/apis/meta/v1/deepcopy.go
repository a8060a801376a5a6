package v1

// Hand-written deep copies for the types deepcopy-gen cannot copy: the
// cells of a TableRow are arbitrary JSON values.

// DeepCopyInto copies the row into out, sharing no memory with it.
func (in *TableRow) DeepCopyInto(out *TableRow) {
	*out = *in
	if in.Cells != nil {
		out.Cells = make([]any, len(in.Cells))
		for i, c := range in.Cells {
			out.Cells[i] = deepCopyJSONValue(c)
		}
	}
	if in.Conditions != nil {
		out.Conditions = make([]TableRowCondition, len(in.Conditions))
		copy(out.Conditions, in.Conditions)
	}
	in.Object.DeepCopyInto(&out.Object)
}

// deepCopyJSONValue copies a value decoded from JSON (maps, slices and
// scalars); other values are returned as they are.
func deepCopyJSONValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return v
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopyJSONValue(e)
		}
		return out
	case []any:
		if v == nil {
			return v
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopyJSONValue(e)
		}
		return out
	default:
		return v
	}
}

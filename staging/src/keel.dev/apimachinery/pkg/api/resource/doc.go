// Package resource implements Quantity, the fixed-point decimal used for CPU,
// memory, storage and other resource amounts ("100m", "1.5Gi", "2e3").
//
// A Quantity is kept as an int64 mantissa with a power-of-ten scale whenever
// the value fits, so parsing, comparison and addition of ordinary amounts do
// not allocate; values that do not fit move to an arbitrary-precision form.
// Parsing, canonical formatting and rounding follow Kubernetes' observable
// behaviour, including its quirks (for example, a well-formed input that is
// already close to canonical is echoed verbatim, so "1.500" stays "1.500").
// Exponents near the int32 limits, where Kubernetes overflows or never
// terminates, are handled arithmetically instead.
package resource

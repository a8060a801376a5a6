package resource

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// quantityPattern is the shape error messages quote (it is looser than the
// real grammar; the parser checks the rest).
const quantityPattern = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"

// Parse errors; the texts are the ones Kubernetes reports.
var (
	ErrFormatWrong = errors.New("quantities must match the regular expression '" + quantityPattern + "'")
	ErrNumeric     = errors.New("unable to parse numeric part of quantity")
	ErrSuffix      = errors.New("unable to parse quantity's suffix")
)

// MustParse parses str and panics when it is not a valid quantity.
func MustParse(str string) Quantity {
	q, err := ParseQuantity(str)
	if err != nil {
		panic(fmt.Errorf("cannot parse %q: %w", str, err))
	}
	return q
}

// lexed holds the pieces of a quantity string.
type lexed struct {
	negative bool
	number   string // sign, integer digits, point and fraction as written
	whole    string // integer digits without leading zeros ("0" when none)
	frac     string // digits after the point
	suffix   string
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSuffixLetter(c byte) bool {
	switch c {
	case 'e', 'E', 'i', 'n', 'u', 'm', 'k', 'K', 'M', 'G', 'T', 'P':
		return true
	}
	return false
}

func digitsFrom(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// lex splits str into number and suffix, accepting exactly what Kubernetes'
// scanner accepts (including oddities such as "." and "+" meaning zero).
func lex(str string) (lexed, error) {
	var l lexed
	i := 0
	switch str[0] {
	case '-':
		l.negative = true
		i++
	case '+':
		i++
	}
	for i < len(str) && str[i] == '0' {
		i++
	}
	if i == len(str) {
		l.whole, l.number = "0", "0"
		return l, nil
	}
	j := digitsFrom(str, i)
	l.whole = str[i:j]
	if l.whole == "" {
		l.whole = "0"
	}
	if j < len(str) && str[j] == '.' {
		k := digitsFrom(str, j+1)
		l.frac = str[j+1 : k]
		j = k
	}
	l.number = str[:j]
	if j == len(str) {
		return l, nil
	}
	k := j
	for k < len(str) && isSuffixLetter(str[k]) {
		k++
	}
	if k < len(str) && (str[k] == '+' || str[k] == '-') {
		k++
	}
	if digitsFrom(str, k) != len(str) {
		return lexed{}, ErrFormatWrong
	}
	l.suffix = str[j:]
	return l, nil
}

// suffixMeaning maps a suffix to its base (10 or 2), exponent and format.
func suffixMeaning(s string) (base, exponent int32, format Format, ok bool) {
	switch s {
	case "":
		return 10, 0, DecimalSI, true
	case "n":
		return 10, -9, DecimalSI, true
	case "u":
		return 10, -6, DecimalSI, true
	case "m":
		return 10, -3, DecimalSI, true
	case "k":
		return 10, 3, DecimalSI, true
	case "M":
		return 10, 6, DecimalSI, true
	case "G":
		return 10, 9, DecimalSI, true
	case "T":
		return 10, 12, DecimalSI, true
	case "P":
		return 10, 15, DecimalSI, true
	case "E":
		return 10, 18, DecimalSI, true
	case "Ki":
		return 2, 10, BinarySI, true
	case "Mi":
		return 2, 20, BinarySI, true
	case "Gi":
		return 2, 30, BinarySI, true
	case "Ti":
		return 2, 40, BinarySI, true
	case "Pi":
		return 2, 50, BinarySI, true
	case "Ei":
		return 2, 60, BinarySI, true
	}
	if len(s) > 1 && (s[0] == 'e' || s[0] == 'E') {
		e, err := strconv.ParseInt(s[1:], 10, 64)
		if err != nil {
			return 0, 0, DecimalExponent, false
		}
		return 10, int32(e), DecimalExponent, true
	}
	return 0, 0, DecimalExponent, false
}

// ParseQuantity parses a quantity such as "100m", "1.5Gi" or "2e3".
// Precision beyond nano units is rounded up (away from zero).
func ParseQuantity(str string) (Quantity, error) {
	if str == "" {
		return Quantity{}, ErrFormatWrong
	}
	if str == "0" {
		return Quantity{Format: DecimalSI, s: str}, nil
	}
	l, err := lex(str)
	if err != nil {
		return Quantity{}, err
	}
	base, exponent, format, ok := suffixMeaning(l.suffix)
	if !ok {
		return Quantity{}, ErrSuffix
	}
	if q, ok := parseInt64(str, &l, exponent, format); ok {
		return q, nil
	}
	return parseBig(&l, base, exponent, format)
}

// parseInt64 is the allocation-free path for numbers with few digits.
func parseInt64(str string, l *lexed, exponent int32, format Format) (Quantity, bool) {
	digits := int32(len(l.whole) + len(l.frac))
	scale, factor := exponent, int64(1)
	if format == BinarySI {
		// Each power of 1024 takes about three decimal digits of headroom.
		if len(l.frac) != 0 || 14-int32(len(l.whole))-exponent*3/10 < 0 {
			return Quantity{}, false
		}
		scale, factor = 0, int64(1)<<uint(exponent)
	} else if digits > maxDigitsInt64 {
		return Quantity{}, false
	}
	scale -= int32(len(l.frac))
	if scale < int32(Nano) {
		return Quantity{}, false
	}
	var v int64
	for _, part := range [2]string{l.whole, l.frac} {
		for i := 0; i < len(part); i++ {
			v = v*10 + int64(part[i]-'0')
		}
	}
	result, ok := mulInt64(v, factor)
	if !ok {
		return Quantity{}, false
	}
	if l.negative {
		result = -result
	}
	q := Quantity{i: scaledInt{value: result, scale: Scale(scale)}, Format: format}
	// Kubernetes reuses the input text when it looks canonical enough.
	if format == BinarySI {
		if exponent%10 == 0 && v&7 != 0 {
			q.s = str
		}
	} else if scale%3 == 0 && v != 0 && l.whole != "0" && v%1000 != 0 {
		q.s = str
	}
	return q, true
}

// parseBig handles long, tiny, fractional binary or overflowing numbers.
func parseBig(l *lexed, base, exponent int32, format Format) (Quantity, error) {
	if !strings.ContainsAny(l.number, "0123456789") {
		return Quantity{}, ErrNumeric
	}
	u, ok := new(big.Int).SetString(l.whole+l.frac, 10)
	if !ok {
		return Quantity{}, ErrNumeric
	}
	if l.negative {
		u.Neg(u)
	}
	a := &bigAmount{unscaled: u, places: int32(len(l.frac))}
	if base == 10 {
		a.places += -exponent
	} else {
		u.Lsh(u, uint(exponent))
	}
	if a.sign() != 0 {
		a, _ = roundBig(a, -int32(Nano))
	}
	if format == BinarySI {
		abs := new(big.Int).Abs(a.unscaled)
		if cmpBig(&bigAmount{unscaled: abs, places: a.places}, &bigAmount{unscaled: bigMaxI64}) > 0 {
			capped := new(big.Int).Set(bigMaxI64)
			if a.sign() < 0 {
				capped.Neg(capped)
			}
			a = &bigAmount{unscaled: capped}
		}
		if a.sign() != 0 && cmpBig(&bigAmount{unscaled: abs, places: a.places}, &bigAmount{unscaled: bigOne}) < 0 {
			format = DecimalSI
		}
	}
	return Quantity{d: a, Format: format}, nil
}

package validation

import (
	"fmt"
	"regexp"
	"strings"

	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Length limits of the name formats.
const (
	// DNS1123LabelMaxLength is the longest RFC 1123 label.
	DNS1123LabelMaxLength int = 63
	// DNS1123SubdomainMaxLength is the longest RFC 1123 subdomain.
	DNS1123SubdomainMaxLength int = 253
	// DNS1035LabelMaxLength is the longest RFC 1035 label.
	DNS1035LabelMaxLength int = 63
	// LabelValueMaxLength is the longest label value.
	LabelValueMaxLength int = 63
	// QualifiedNameMaxLength is the longest name part of a qualified name.
	QualifiedNameMaxLength int = 63
	// PortNameMaxLength is the longest IANA service (port) name.
	PortNameMaxLength int = 15
)

// Format patterns; they appear verbatim in error messages.
const (
	dns1123LabelFmt        = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
	dns1123SubdomainFmt    = dns1123LabelFmt + "(\\." + dns1123LabelFmt + ")*"
	dns1035LabelFmt        = "[a-z]([-a-z0-9]*[a-z0-9])?"
	wildcardSubdomainFmt   = "\\*\\." + dns1123SubdomainFmt
	qualifiedNameCharFmt   = "[A-Za-z0-9]"
	qualifiedNameExtFmt    = "[-A-Za-z0-9_.]"
	qualifiedNameFmt       = "(" + qualifiedNameCharFmt + qualifiedNameExtFmt + "*)?" + qualifiedNameCharFmt
	labelValueFmt          = "(" + qualifiedNameFmt + ")?"
	cIdentifierFmt         = "[A-Za-z_][A-Za-z0-9_]*"
	percentFmt             = "[0-9]+%"
	httpHeaderNameFmt      = "[-A-Za-z0-9]+"
	envVarNameFmt          = "[-._a-zA-Z][-._a-zA-Z0-9]*"
	configMapKeyFmt        = `[-._a-zA-Z0-9]+`
	dns1123LabelMsg        = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
	dns1123SubdomainMsg    = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
	dns1035LabelMsg        = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"
	wildcardSubdomainMsg   = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character"
	qualifiedNameMsg       = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	labelValueMsg          = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	cIdentifierMsg         = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'"
	percentMsg             = "a valid percent string must be a numeric string followed by an ending '%'"
	httpHeaderNameMsg      = "a valid HTTP header must consist of alphanumeric characters or '-'"
	envVarNameMsg          = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit"
	configMapKeyMsg        = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
	portNameCharsetMsg     = "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
	portNameNoLetterMsg    = "must contain at least one letter (a-z)"
	portNameDoubleHyphen   = "must not contain consecutive hyphens"
	portNameHyphenEndsMsg  = "must not begin or end with a hyphen"
	dotsInLabelMsg         = "must not contain dots"
	fullyQualifiedSegments = "should be a domain with at least three segments separated by dots"
)

func anchored(f string) *regexp.Regexp { return regexp.MustCompile("^" + f + "$") }

// The hot formats (names, label keys and values) are matched by hand below;
// the rest use the patterns directly.
var (
	cIdentifierRe    = anchored(cIdentifierFmt)
	percentRe        = anchored(percentFmt)
	httpHeaderNameRe = anchored(httpHeaderNameFmt)
	envVarNameRe     = anchored(envVarNameFmt)
	configMapKeyRe   = anchored(configMapKeyFmt)
)

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isLowerAlnum(c) || c >= 'A' && c <= 'Z' }

// matchShape reports whether s is non-empty, starts with a byte accepted by
// first, ends with one accepted by last, and has only inner bytes in between.
func matchShape(s string, first, last, inner func(byte) bool) bool {
	if s == "" || !first(s[0]) || !last(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if !inner(s[i]) {
			return false
		}
	}
	return true
}

func isLowerAlnumOrDash(c byte) bool { return isLowerAlnum(c) || c == '-' }

func isNameChar(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }

func isLowerAlpha(c byte) bool { return c >= 'a' && c <= 'z' }

// matchDNS1123Label matches dns1123LabelFmt.
func matchDNS1123Label(s string) bool {
	return matchShape(s, isLowerAlnum, isLowerAlnum, isLowerAlnumOrDash)
}

// matchDNS1123Subdomain matches dns1123SubdomainFmt: dot-separated labels.
func matchDNS1123Subdomain(s string) bool {
	for {
		label, rest, more := strings.Cut(s, ".")
		if !matchDNS1123Label(label) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

// matchDNS1035Label matches dns1035LabelFmt.
func matchDNS1035Label(s string) bool {
	return matchShape(s, isLowerAlpha, isLowerAlnum, isLowerAlnumOrDash)
}

// matchQualifiedNamePart matches qualifiedNameFmt.
func matchQualifiedNamePart(s string) bool {
	return matchShape(s, isAlnum, isAlnum, isNameChar)
}

// MaxLenError is the message for a value longer than length characters.
func MaxLenError(length int) string {
	return fmt.Sprintf("must be no more than %d characters", length)
}

// maxBytesError is the newer wording used by label keys and values.
func maxBytesError(length int) string {
	return fmt.Sprintf("must be no more than %d bytes", length)
}

// RegexError is the message for a value that does not match the pattern re,
// optionally listing valid examples.
func RegexError(msg string, re string, examples ...string) string {
	var b strings.Builder
	b.WriteString(msg)
	if len(examples) == 0 {
		b.WriteString(" (regex used for validation is '" + re + "')")
		return b.String()
	}
	b.WriteString(" (e.g. ")
	for i, e := range examples {
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteString("'" + e + "', ")
	}
	b.WriteString("regex used for validation is '" + re + "')")
	return b.String()
}

// EmptyError is the message for an empty value that must be set.
func EmptyError() string { return "must be non-empty" }

// InclusiveRangeError is the message for a number outside [lo, hi].
func InclusiveRangeError(lo, hi int) string {
	return fmt.Sprintf("must be between %d and %d, inclusive", lo, hi)
}

// IsDNS1123Label checks an RFC 1123 label (lowercase, at most 63 characters).
func IsDNS1123Label(value string) []string {
	var errs []string
	if len(value) > DNS1123LabelMaxLength {
		errs = append(errs, MaxLenError(DNS1123LabelMaxLength))
	}
	if matchDNS1123Label(value) {
		return errs
	}
	if matchDNS1123Subdomain(value) {
		return append(errs, dotsInLabelMsg)
	}
	return append(errs, RegexError(dns1123LabelMsg, dns1123LabelFmt, "my-name", "123-abc"))
}

// IsDNS1123Subdomain checks an RFC 1123 subdomain (at most 253 characters).
func IsDNS1123Subdomain(value string) []string {
	var errs []string
	if len(value) > DNS1123SubdomainMaxLength {
		errs = append(errs, MaxLenError(DNS1123SubdomainMaxLength))
	}
	if !matchDNS1123Subdomain(value) {
		errs = append(errs, RegexError(dns1123SubdomainMsg, dns1123SubdomainFmt, "example.com"))
	}
	return errs
}

// IsDNS1035Label checks an RFC 1035 label (starts with a letter, at most 63 characters).
func IsDNS1035Label(value string) []string {
	var errs []string
	if len(value) > DNS1035LabelMaxLength {
		errs = append(errs, MaxLenError(DNS1035LabelMaxLength))
	}
	if !matchDNS1035Label(value) {
		errs = append(errs, RegexError(dns1035LabelMsg, dns1035LabelFmt, "my-name", "abc-123"))
	}
	return errs
}

// IsWildcardDNS1123Subdomain checks a "*." wildcard followed by a subdomain.
func IsWildcardDNS1123Subdomain(value string) []string {
	var errs []string
	if len(value) > DNS1123SubdomainMaxLength {
		errs = append(errs, MaxLenError(DNS1123SubdomainMaxLength))
	}
	if !(strings.HasPrefix(value, "*.") && matchDNS1123Subdomain(value[2:])) {
		errs = append(errs, RegexError(wildcardSubdomainMsg, wildcardSubdomainFmt, "*.example.com"))
	}
	return errs
}

// IsQualifiedName checks a label, annotation or finalizer key: an optional
// DNS-subdomain prefix and "/", then a name of at most 63 characters.
func IsQualifiedName(value string) []string {
	var errs []string
	name := value
	if prefix, rest, found := strings.Cut(value, "/"); found {
		if strings.Contains(rest, "/") {
			return []string{"a valid label key " + RegexError(qualifiedNameMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc") +
				" with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"}
		}
		name = rest
		if prefix == "" {
			errs = append(errs, "prefix part "+EmptyError())
		} else {
			for _, msg := range IsDNS1123Subdomain(prefix) {
				errs = append(errs, "prefix part "+msg)
			}
		}
	}
	switch {
	case name == "":
		errs = append(errs, "name part "+EmptyError())
	case len(name) > QualifiedNameMaxLength:
		errs = append(errs, "name part "+maxBytesError(QualifiedNameMaxLength))
	}
	if !matchQualifiedNamePart(name) {
		errs = append(errs, "name part "+RegexError(qualifiedNameMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc"))
	}
	return errs
}

// IsValidLabelValue checks a label value: empty, or at most 63 characters of
// alphanumerics, '-', '_' and '.', alphanumeric at both ends.
func IsValidLabelValue(value string) []string {
	var errs []string
	if len(value) > LabelValueMaxLength {
		errs = append(errs, maxBytesError(LabelValueMaxLength))
	}
	if !(value == "" || matchQualifiedNamePart(value)) {
		errs = append(errs, RegexError(labelValueMsg, labelValueFmt, "MyValue", "my_value", "12345"))
	}
	return errs
}

// IsCIdentifier checks a C identifier (format only, no length limit).
func IsCIdentifier(value string) []string {
	if cIdentifierRe.MatchString(value) {
		return nil
	}
	return []string{RegexError(cIdentifierMsg, cIdentifierFmt, "my_name", "MY_NAME", "MyName")}
}

// IsValidPortNum checks a port number in 1..65535.
func IsValidPortNum(port int) []string {
	return IsInRange(port, 1, 65535)
}

// IsInRange checks lo <= value <= hi.
func IsInRange(value, lo, hi int) []string {
	if value >= lo && value <= hi {
		return nil
	}
	return []string{InclusiveRangeError(lo, hi)}
}

// IsValidGroupID checks a Unix group ID (0..2^31-1).
func IsValidGroupID(gid int64) []string {
	if gid >= 0 && gid <= 1<<31-1 {
		return nil
	}
	return []string{InclusiveRangeError(0, 1<<31-1)}
}

// IsValidUserID checks a Unix user ID (0..2^31-1).
func IsValidUserID(uid int64) []string {
	return IsValidGroupID(uid)
}

// IsValidPortName checks an IANA_SVC_NAME: 1-15 of [-a-z0-9], at least one
// letter, no "--", no hyphen at either end.
func IsValidPortName(port string) []string {
	var errs []string
	if len(port) > PortNameMaxLength {
		errs = append(errs, MaxLenError(PortNameMaxLength))
	}
	charsetOK, hasLetter := port != "", false
	for i := 0; i < len(port); i++ {
		c := port[i]
		switch {
		case c >= 'a' && c <= 'z':
			hasLetter = true
		case c >= '0' && c <= '9', c == '-':
		default:
			charsetOK = false
		}
	}
	if !charsetOK {
		errs = append(errs, portNameCharsetMsg)
	}
	if !hasLetter {
		errs = append(errs, portNameNoLetterMsg)
	}
	if strings.Contains(port, "--") {
		errs = append(errs, portNameDoubleHyphen)
	}
	if port != "" && (port[0] == '-' || port[len(port)-1] == '-') {
		errs = append(errs, portNameHyphenEndsMsg)
	}
	return errs
}

// IsValidPercent checks a percentage such as "25%".
func IsValidPercent(percent string) []string {
	if percentRe.MatchString(percent) {
		return nil
	}
	return []string{RegexError(percentMsg, percentFmt, "1%", "93%")}
}

// IsHTTPHeaderName checks an HTTP header field name.
func IsHTTPHeaderName(value string) []string {
	if httpHeaderNameRe.MatchString(value) {
		return nil
	}
	return []string{RegexError(httpHeaderNameMsg, httpHeaderNameFmt, "X-Header-Name")}
}

// IsEnvVarName checks an environment variable name.
func IsEnvVarName(value string) []string {
	var errs []string
	if !envVarNameRe.MatchString(value) {
		errs = append(errs, RegexError(envVarNameMsg, envVarNameFmt, "my.env-name", "MY_ENV.NAME", "MyEnvName1"))
	}
	return append(errs, dotPathErrors(value)...)
}

// IsConfigMapKey checks a ConfigMap or Secret data key.
func IsConfigMapKey(value string) []string {
	var errs []string
	if len(value) > DNS1123SubdomainMaxLength {
		errs = append(errs, MaxLenError(DNS1123SubdomainMaxLength))
	}
	if !configMapKeyRe.MatchString(value) {
		errs = append(errs, RegexError(configMapKeyMsg, configMapKeyFmt, "key.name", "KEY_NAME", "key-name"))
	}
	return append(errs, dotPathErrors(value)...)
}

// dotPathErrors rejects values that would act as "." or ".." path elements.
func dotPathErrors(value string) []string {
	switch {
	case value == ".":
		return []string{`must not be '.'`}
	case value == "..":
		return []string{`must not be '..'`}
	case strings.HasPrefix(value, ".."):
		return []string{`must not start with '..'`}
	}
	return nil
}

// IsFullyQualifiedName checks a DNS subdomain with at least three dot-separated segments.
func IsFullyQualifiedName(fldPath *field.Path, name string) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	if errs := IsDNS1123Subdomain(name); len(errs) > 0 {
		return field.ErrorList{field.Invalid(fldPath, name, strings.Join(errs, ","))}
	}
	if strings.Count(name, ".") < 2 {
		return field.ErrorList{field.Invalid(fldPath, name, fullyQualifiedSegments)}
	}
	return nil
}

// IsFullyQualifiedDomainName checks a DNS name with at least two segments; a
// trailing dot is allowed.
func IsFullyQualifiedDomainName(fldPath *field.Path, name string) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	name = strings.TrimSuffix(name, ".")
	if errs := IsDNS1123Subdomain(name); len(errs) > 0 {
		return field.ErrorList{field.Invalid(fldPath, name, strings.Join(errs, ","))}
	}
	if !strings.Contains(name, ".") {
		return field.ErrorList{field.Invalid(fldPath, name, "should be a domain with at least two segments separated by dots")}
	}
	for _, label := range strings.Split(name, ".") {
		if errs := IsDNS1123Label(label); len(errs) > 0 {
			return field.ErrorList{field.Invalid(fldPath, label, strings.Join(errs, ","))}
		}
	}
	return nil
}

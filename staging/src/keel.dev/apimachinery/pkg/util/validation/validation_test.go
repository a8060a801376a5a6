package validation

import (
	"strings"
	"testing"
)

// check runs one table of string validators; want is a substring of the
// joined messages, or "" for valid.
type strCase struct {
	name  string
	value string
	want  string
}

func runStrCases(t *testing.T, fn func(string) []string, cases []strCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := fn(tc.value)
			got := strings.Join(errs, "; ")
			if tc.want == "" {
				if len(errs) != 0 {
					t.Fatalf("%q: want valid, got %q", tc.value, got)
				}
				return
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("%q: want error containing %q, got %q", tc.value, tc.want, got)
			}
		})
	}
}

const (
	wantLabelMsg      = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	wantSubdomainMsg  = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	wantLabelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	wantNameMsg       = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)

func TestExactMessages(t *testing.T) {
	cases := []struct {
		name string
		got  []string
		want []string
	}{
		{"a label with an uppercase letter gets the label regex message", IsDNS1123Label("A"), []string{wantLabelMsg}},
		{"a label with a dot gets the no-dots message", IsDNS1123Label("a.b"), []string{"must not contain dots"}},
		{"a 64-char label gets only the length message", IsDNS1123Label(strings.Repeat("a", 64)), []string{"must be no more than 63 characters"}},
		{"a subdomain ending in a dash gets the subdomain message", IsDNS1123Subdomain("a-"), []string{wantSubdomainMsg}},
		{"an invalid label value gets the value message", IsValidLabelValue("-a"), []string{wantLabelValueMsg}},
		{"a long label value counts bytes", IsValidLabelValue(strings.Repeat("a", 64)), []string{"must be no more than 63 bytes"}},
		{"a bad qualified name part gets the name message", IsQualifiedName("a_"), []string{wantNameMsg}},
		{"an empty prefix is reported", IsQualifiedName("/a"), []string{"prefix part must be non-empty"}},
		{"an out-of-range port gives the range message", IsValidPortNum(0), []string{"must be between 1 and 65535, inclusive"}},
		{"a bad percent gives the percent message", IsValidPercent("5"), []string{"a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Join(tc.got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("got  %q\nwant %q", tc.got, tc.want)
			}
		})
	}
}

func TestIsDNS1123Label(t *testing.T) {
	runStrCases(t, IsDNS1123Label, []strCase{
		{"a single letter is valid", "a", ""},
		{"a single digit is valid", "0", ""},
		{"letters digits and inner dashes are valid", "my-name-123", ""},
		{"a label starting with a digit is valid", "123-abc", ""},
		{"exactly 63 characters is valid", strings.Repeat("a", 63), ""},
		{"64 characters is too long", strings.Repeat("a", 64), "no more than 63 characters"},
		{"an empty string is invalid", "", "RFC 1123 label"},
		{"uppercase is invalid", "MyName", "RFC 1123 label"},
		{"a leading dash is invalid", "-abc", "RFC 1123 label"},
		{"a trailing dash is invalid", "abc-", "RFC 1123 label"},
		{"an underscore is invalid", "a_b", "RFC 1123 label"},
		{"dots are reported as dots", "a.b", "must not contain dots"},
	})
}

func TestIsDNS1123Subdomain(t *testing.T) {
	runStrCases(t, IsDNS1123Subdomain, []strCase{
		{"a simple domain is valid", "example.com", ""},
		{"a single label is valid", "a", ""},
		{"253 characters is valid", strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61), ""},
		{"254 characters is too long", strings.Repeat("a.", 126) + "ab", "no more than 253 characters"},
		{"an empty segment is invalid", "a..b", "RFC 1123 subdomain"},
		{"a leading dot is invalid", ".a", "RFC 1123 subdomain"},
		{"a trailing dot is invalid", "a.", "RFC 1123 subdomain"},
		{"uppercase is invalid", "Example.com", "RFC 1123 subdomain"},
		{"a segment ending in dash is invalid", "a-.b", "RFC 1123 subdomain"},
		{"an empty string is invalid", "", "RFC 1123 subdomain"},
	})
}

func TestIsDNS1035Label(t *testing.T) {
	runStrCases(t, IsDNS1035Label, []strCase{
		{"a letter-led label is valid", "abc-123", ""},
		{"63 characters is valid", "a" + strings.Repeat("0", 62), ""},
		{"64 characters is too long", "a" + strings.Repeat("0", 63), "no more than 63 characters"},
		{"a leading digit is invalid", "1abc", "DNS-1035 label"},
		{"a trailing dash is invalid", "abc-", "DNS-1035 label"},
		{"uppercase is invalid", "Abc", "DNS-1035 label"},
	})
}

func TestIsQualifiedName(t *testing.T) {
	runStrCases(t, IsQualifiedName, []strCase{
		{"a simple name is valid", "app", ""},
		{"mixed case with dots dashes and underscores is valid", "My_App.name-1", ""},
		{"a prefixed name is valid", "example.com/app", ""},
		{"the kubernetes.io prefix is valid", "app.kubernetes.io/name", ""},
		{"a name of 63 characters is valid", strings.Repeat("a", 63), ""},
		{"a name of 64 characters is too long", strings.Repeat("a", 64), "name part must be no more than 63 bytes"},
		{"a prefix of 253 characters is valid", strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61) + "/n", ""},
		{"a prefix of 254 characters is too long", strings.Repeat("a.", 126) + "ab/n", "prefix part must be no more than 253 characters"},
		{"an uppercase prefix is invalid", "Example.com/app", "prefix part a lowercase RFC 1123 subdomain"},
		{"an empty prefix is invalid", "/app", "prefix part must be non-empty"},
		{"an empty name after the prefix is invalid", "example.com/", "name part must be non-empty"},
		{"two slashes are invalid", "a/b/c", "a valid label key must consist of"},
		{"a leading dash is invalid", "-app", "name part must consist"},
		{"a trailing underscore is invalid", "app_", "name part must consist"},
		{"a trailing dot is invalid", "app.", "name part must consist"},
		{"a space is invalid", "my app", "name part must consist"},
		{"an empty string is invalid", "", "name part must be non-empty"},
	})
}

func TestIsValidLabelValue(t *testing.T) {
	runStrCases(t, IsValidLabelValue, []strCase{
		{"the empty value is valid", "", ""},
		{"a simple value is valid", "production", ""},
		{"mixed case with inner punctuation is valid", "My_Value.v1-2", ""},
		{"63 characters is valid", strings.Repeat("z", 63), ""},
		{"64 characters is too long", strings.Repeat("z", 64), "must be no more than 63 bytes"},
		{"a slash is invalid", "a/b", "a valid label must be"},
		{"a leading dash is invalid", "-a", "a valid label must be"},
		{"a trailing dot is invalid", "a.", "a valid label must be"},
		{"a single underscore is invalid", "_", "a valid label must be"},
		{"a space is invalid", "a b", "a valid label must be"},
	})
}

func TestIsWildcardDNS1123Subdomain(t *testing.T) {
	runStrCases(t, IsWildcardDNS1123Subdomain, []strCase{
		{"a wildcard domain is valid", "*.example.com", ""},
		{"a bare domain is invalid", "example.com", "wildcard DNS-1123 subdomain"},
		{"a nested wildcard is invalid", "*.*.example.com", "wildcard DNS-1123 subdomain"},
		{"a star without a dot is invalid", "*example.com", "wildcard DNS-1123 subdomain"},
	})
}

func TestSmallFormats(t *testing.T) {
	t.Run("port names", func(t *testing.T) {
		runStrCases(t, IsValidPortName, []strCase{
			{"http is valid", "http", ""},
			{"15 characters is valid", "abcdefghijklmno", ""},
			{"16 characters is too long", "abcdefghijklmnop", "no more than 15 characters"},
			{"digits only need a letter", "8080", "at least one letter"},
			{"uppercase is rejected", "HTTP", "alpha-numeric characters"},
			{"consecutive hyphens are rejected", "a--b", "consecutive hyphens"},
			{"a leading hyphen is rejected", "-ab", "begin or end with a hyphen"},
			{"empty is rejected", "", "alpha-numeric"},
		})
	})
	t.Run("env var names", func(t *testing.T) {
		runStrCases(t, IsEnvVarName, []strCase{
			{"an upper snake name is valid", "MY_VAR", ""},
			{"dots and dashes are valid", "my.env-name", ""},
			{"a leading digit is invalid", "1VAR", "environment variable name"},
			{"a lone dot is invalid", ".", "must not be '.'"},
			{"a double-dot prefix is invalid", "..a", "must not start with '..'"},
		})
	})
	t.Run("config map keys", func(t *testing.T) {
		runStrCases(t, IsConfigMapKey, []strCase{
			{"a file name is valid", "app.properties", ""},
			{"a slash is invalid", "a/b", "valid config key"},
			{"dot-dot is invalid", "..", "must not be '..'"},
			{"254 characters is too long", strings.Repeat("k", 254), "no more than 253 characters"},
		})
	})
	t.Run("c identifiers and headers and percents", func(t *testing.T) {
		runStrCases(t, IsCIdentifier, []strCase{
			{"an identifier is valid", "_my_name1", ""},
			{"a dash is invalid", "my-name", "valid C identifier"},
		})
		runStrCases(t, IsHTTPHeaderName, []strCase{
			{"a header is valid", "X-Header-Name", ""},
			{"an underscore is invalid", "X_Header", "valid HTTP header"},
		})
		runStrCases(t, IsValidPercent, []strCase{
			{"a percent is valid", "25%", ""},
			{"a fraction is invalid", "2.5%", "valid percent string"},
		})
	})
}

func TestNumericRanges(t *testing.T) {
	cases := []struct {
		name  string
		errs  []string
		valid bool
	}{
		{"port 1 is valid", IsValidPortNum(1), true},
		{"port 65535 is valid", IsValidPortNum(65535), true},
		{"port 65536 is invalid", IsValidPortNum(65536), false},
		{"port -1 is invalid", IsValidPortNum(-1), false},
		{"a value in range is valid", IsInRange(5, 1, 10), true},
		{"a value above range is invalid", IsInRange(11, 1, 10), false},
		{"gid 0 is valid", IsValidGroupID(0), true},
		{"a negative uid is invalid", IsValidUserID(-1), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if (len(tc.errs) == 0) != tc.valid {
				t.Fatalf("valid=%v, errors %q", tc.valid, tc.errs)
			}
		})
	}
}

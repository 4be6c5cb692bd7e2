// Package safetext escapes names for human-readable output: terminal text,
// Markdown and Mermaid labels. Names come from vCenter, snapshot files and
// Terraform plans, so they may hold anything.
package safetext

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names come from vCenter and from snapshot files, so they may hold anything:
// a newline that forges a report line, terminal escape sequences, a `|` that
// breaks a Markdown table. Every human-readable output goes through these.

// Clean escapes what must not reach a terminal or a report verbatim: control
// and other non-printable characters (newline, ESC, bidi overrides) become Go
// escapes (\n, \x1b, \u202e) and invalid UTF-8 bytes become \xNN.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r) // '\n', '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

func isClean(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) {
			return false
		}
	}
	return true
}

// Quote renders a name in double quotes, escaped as Go does (%q), so a name
// is always delimited and never contains a raw control character.
func Quote[T ~string](s T) string { return strconv.Quote(string(s)) }

// Clip shortens s to at most n bytes (at a rune boundary), marking the cut.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes in all)", s[:cut], len(s))
}

// mdEscaper backslash-escapes the characters Markdown (CommonMark and GitHub's
// tables) would interpret inside a table cell or a paragraph.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`,
	`|`, `\|`, `~`, `\~`, `&`, `\&`, `#`, `\#`, `!`, `\!`,
)

// MD renders free text (a name, a reason) for Markdown: cleaned, then escaped.
func MD(s string) string { return mdEscaper.Replace(Clean(s)) }

// mermaidEscaper writes what would end or change a quoted Mermaid label as
// Mermaid entity codes (#quot; or #NN;): quotes, brackets, braces, the entity
// start #, the statement end ;, Markdown and HTML delimiters.
var mermaidEscaper = strings.NewReplacer(
	`#`, `#35;`, `"`, `#quot;`, `;`, `#59;`, `[`, `#91;`, `]`, `#93;`, `(`, `#40;`, `)`, `#41;`,
	`{`, `#123;`, `}`, `#125;`, `<`, `#lt;`, `>`, `#gt;`, `|`, `#124;`, "`", `#96;`, `&`, `#38;`, `*`, `#42;`, `_`, `#95;`, `~`, `#126;`,
)

// Mermaid renders a name for a double-quoted Mermaid label: cleaned (so no
// newline survives), then every special character as an entity code.
func Mermaid(s string) string { return mermaidEscaper.Replace(Clean(s)) }

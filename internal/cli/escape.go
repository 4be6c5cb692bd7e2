package cli

import "github.com/estate-tf/terraform-provider-estate/internal/safetext"

// Names come from vCenter and from snapshot files, so they may hold anything:
// a newline that forges a report line, terminal escape sequences, a `|` that
// breaks a Markdown table. Every human-readable output goes through these
// (internal/safetext, shared with the review report).

func clean(s string) string       { return safetext.Clean(s) }
func quote[T ~string](s T) string { return safetext.Quote(s) }
func clip(s string, n int) string { return safetext.Clip(s, n) }
func md(s string) string          { return safetext.MD(s) }

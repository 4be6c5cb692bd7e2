package report

import "github.com/estate-tf/terraform-provider-estate/internal/safetext"

// esc renders a name for a Mermaid label; md for Markdown; clean and quote for text.
func esc(s string) string         { return safetext.Mermaid(s) }
func md[T ~string](s T) string    { return safetext.MD(string(s)) }
func clean[T ~string](s T) string { return safetext.Clean(string(s)) }
func quote[T ~string](s T) string { return safetext.Quote(s) }

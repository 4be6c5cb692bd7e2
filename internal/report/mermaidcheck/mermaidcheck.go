// Package mermaidcheck renders Mermaid diagrams with Mermaid itself (the
// mermaid-cli of tools/mermaid in Debian's headless chromium) for the report
// tests: a diagram is valid when Mermaid renders it, not when a hand-written
// grammar accepts it.
package mermaidcheck

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// Tool is how to run mmdc; see Find.
type Tool struct {
	MMDC, PuppeteerConfig string
}

// Find locates mmdc (ESTATE_MMDC, else tools/mermaid/node_modules/.bin/mmdc)
// and the browser (ESTATE_CHROMIUM, else /usr/bin/chromium). The reason says
// what is missing and how to install it.
func Find() (Tool, string) {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..", "..")
	mmdc := os.Getenv("ESTATE_MMDC")
	if mmdc == "" {
		mmdc = filepath.Join(root, "tools", "mermaid", "node_modules", ".bin", "mmdc")
	}
	if _, err := os.Stat(mmdc); err != nil {
		return Tool{}, fmt.Sprintf("mermaid-cli not installed (%s): cd tools/mermaid && PUPPETEER_SKIP_DOWNLOAD=1 npm ci", mmdc)
	}
	browser := os.Getenv("ESTATE_CHROMIUM")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		return Tool{}, fmt.Sprintf("no headless browser at %s: apt-get install -y chromium (or set ESTATE_CHROMIUM)", browser)
	}
	cfg := filepath.Join(root, "tools", "mermaid", "puppeteer.json")
	if browser != "/usr/bin/chromium" {
		dir, err := os.MkdirTemp("", "puppeteer")
		if err != nil {
			return Tool{}, err.Error()
		}
		cfg = filepath.Join(dir, "puppeteer.json")
		if err := os.WriteFile(cfg, fmt.Appendf(nil, `{"executablePath": %q, "args": ["--no-sandbox"]}`, browser), 0o644); err != nil {
			return Tool{}, err.Error()
		}
	}
	return Tool{MMDC: mmdc, PuppeteerConfig: cfg}, ""
}

// Render renders a diagram to SVG (out, when not empty, keeps the file).
func (t Tool) Render(ctx context.Context, diagram, out string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "mermaid")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	in := filepath.Join(dir, "in.mmd")
	if err := os.WriteFile(in, []byte(diagram), 0o644); err != nil {
		return nil, err
	}
	if out == "" {
		out = filepath.Join(dir, "out.svg")
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.MMDC, "-q", "-p", t.PuppeteerConfig, "-i", in, "-o", out)
	cmd.Env = append(os.Environ(), "PUPPETEER_SKIP_DOWNLOAD=1")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("mmdc: %w: %s", err, stderr.String())
	}
	return os.ReadFile(out)
}

// Required reports whether a missing renderer must fail the test rather than
// skip it (.ci/run sets ESTATE_REQUIRE_MERMAID=1).
func Required() bool { return os.Getenv("ESTATE_REQUIRE_MERMAID") == "1" }

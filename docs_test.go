package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mdLink matches the target of a Markdown link or image: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocLinksResolveInsideTheRepository checks every relative link of every
// committed Markdown file (README, CHANGELOG, docs/, templates/): it must name
// a file or directory of the repository. Links to the web are left alone;
// nothing may point outside the repository, where a person who cloned it
// cannot follow.
func TestDocLinksResolveInsideTheRepository(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "-z", "*.md", "*.md.tmpl").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	root, _ := filepath.Abs(".")
	files := tracked(out)
	if len(files) == 0 {
		t.Fatal("git ls-files found no Markdown")
	}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// templates/X.md.tmpl renders to docs/X.md: resolve its links from there.
		dir := filepath.Dir(f)
		if rel, ok := strings.CutPrefix(dir, "templates"); ok {
			dir = filepath.Join("docs", rel)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(content), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "#") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			p := filepath.Join(dir, target)
			abs, _ := filepath.Abs(p)
			if abs != root && !strings.HasPrefix(abs, root+string(filepath.Separator)) {
				t.Errorf("%s: link %q points outside the repository", f, m[1])
				continue
			}
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: link %q does not resolve: %v", f, m[1], err)
			}
		}
	}
}

// TestNothingPointsOutsideTheRepository keeps comments and documents from
// citing what a person who cloned the repository cannot read: a design file
// beside the repository, or numbered issues and sections of it.
func TestNothingPointsOutsideTheRepository(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	outside := regexp.MustCompile(`DESIGN\.md|\.\./shared/|\bissue [0-9]|§`)
	for _, f := range tracked(out) {
		switch {
		case f == "docs_test.go", f == "LICENSE", strings.HasSuffix(f, ".sum"):
			continue
		}
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(content), "\n") {
			if m := outside.FindString(line); m != "" {
				t.Errorf("%s:%d: %q points outside the repository: move what it needs into docs/design/ and point there", f, i+1, m)
			}
		}
	}
}

// TestNoBinaryIsTracked: built binaries (a provider, a compiled test) belong
// in bin/ or nowhere, never in git.
func TestNoBinaryIsTracked(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	for _, f := range tracked(out) {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(content, 0) >= 0 {
			t.Errorf("%s is binary: remove it from git (git rm --cached) and build it instead", f)
		}
	}
}

// tracked splits the output of git ls-files -z.
func tracked(out []byte) []string {
	return strings.FieldsFunc(string(out), func(r rune) bool { return r == 0 })
}

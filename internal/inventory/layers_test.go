package inventory_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelLayersArePlainGo enforces the layering of docs/design/README.md in every test run (golangci's
// depguard does the same in `make lint`): the model and the analysis import
// neither Terraform nor govmomi.
func TestModelLayersArePlainGo(t *testing.T) {
	for _, dir := range []string{".", "../analysis", "../report", "../report/mermaidcheck", "../planned", "../safetext"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		if dir == "." && len(files) == 0 {
			t.Fatal("no Go files found in internal/inventory")
		}
		for _, f := range files {
			if _, err := os.Stat(f); err != nil {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				if strings.HasPrefix(path, "github.com/hashicorp/") || strings.HasPrefix(path, "github.com/vmware/") {
					t.Errorf("%s imports %s: the model and the analysis must stay plain Go", f, path)
				}
			}
		}
	}
}

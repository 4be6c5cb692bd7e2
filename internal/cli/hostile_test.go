package cli_test

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/cli"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// hostileNames is twoHosts with names that try to forge a report line, colour
// the terminal and break the Markdown table.
var hostileNames = strings.NewReplacer(
	`"h1"`, `"h1\nUNSAFE: forged line"`,
	`"web-1"`, `"web|1`+"`x`"+`<b>"`,
	`"c"`, `"c\u001b[31m"`,
	`"web"`, `"web\u202e|"`,
).Replace(twoHosts)

func TestTextReportEscapesNames(t *testing.T) {
	code, out, errOut := run("--snapshot", file(t, hostileNames), "--fail-host", "h1\nUNSAFE: forged line")
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("raw escape sequence in the report:\n%q", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "UNSAFE: forged") {
			t.Errorf("a host name forged a report line:\n%s", out)
		}
	}
	for _, want := range []string{`UNSAFE: fail "h1\nUNSAFE: forged line": VM "web|1`, `cluster "c\x1b[31m"`, `business system "web\u202e|": lost_redundancy`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s:\n%s", want, out)
		}
	}
}

func TestMarkdownReportEscapesNames(t *testing.T) {
	code, out, errOut := run("--snapshot", file(t, hostileNames), "--format", "markdown")
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.ContainsAny(out, "\x1b\u202e") || strings.Contains(out, "<b>") {
		t.Errorf("raw escape sequence or HTML in the report:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Count(line, "|") - strings.Count(line, `\|`)
		if cells != 5 {
			t.Errorf("table row with %d unescaped pipes, want 5: %s", cells, line)
		}
	}
	for _, want := range []string{"| h1\\\\nUNSAFE: forged line | unsafe | VM \"web\\|1\\`x\\`\\<b\\>\"", "| c\\\\x1b\\[31m | slot |", "| web\\\\u202e\\| (lost_redundancy) |"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s:\n%s", want, out)
		}
	}
}

func TestAnalyzeOfEndlessInputExitsOneWithOneLine(t *testing.T) {
	defer func(old int64) { inventory.MaxSnapshotBytes = old }(inventory.MaxSnapshotBytes)
	inventory.MaxSnapshotBytes = 1 << 20
	code, out, errOut := run("--snapshot", "/dev/zero")
	want := "Error: snapshot file /dev/zero: snapshot is larger than the limit of 1 MiB: not an estate.snapshot/v1 file (real estates are a few MiB)\n"
	if code != cli.ExitBadInput || errOut != want || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q\nwant exit 1, %q", code, out, errOut, want)
	}
}

func TestErrorsClipLongValues(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	code, _, errOut := run("--snapshot", file(t, twoHosts), "--format", long)
	if code != cli.ExitBadInput || len(errOut) > 1200 || strings.Count(errOut, "\n") != 1 || !strings.HasSuffix(errOut, " bytes in all)\n") {
		t.Errorf("exit %d, %d bytes of stderr: %.300q", code, len(errOut), errOut)
	}
}

func TestEverySubcommandRejectsStrayArgumentsAndHelpExitsZero(t *testing.T) {
	out := filepath.Join(t.TempDir(), "f.json")
	for _, tt := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"snapshot", []string{"x", "--output", out}, "Error: unexpected argument \"x\": snapshot takes only flags (see --help)\n"},
		{"lab", []string{"x", "--export", out}, "Error: unexpected argument \"x\": lab takes only flags (see --help)\n"},
		{"analyze", []string{"x", "--snapshot", out}, "Error: unexpected argument \"x\": analyze takes only flags (see --help)\n"},
	} {
		var stdout, stderr bytes.Buffer
		code := cli.Commands[tt.cmd](tt.args, &stdout, &stderr)
		if code != cli.ExitBadInput || stderr.String() != tt.want || stdout.Len() != 0 {
			t.Errorf("%s %q: exit %d, stdout %q, stderr %q; want 1, %q", tt.cmd, tt.args, code, stdout.String(), stderr.String(), tt.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s %q wrote %s", tt.cmd, tt.args, out)
		}
		stdout.Reset()
		stderr.Reset()
		if code := cli.Commands[tt.cmd]([]string{"--help"}, &stdout, &stderr); code != cli.ExitOK || !strings.Contains(stderr.String(), "Usage of "+tt.cmd) {
			t.Errorf("%s --help: exit %d, stderr %q", tt.cmd, code, stderr.String())
		}
	}
}

func TestACrashIsOneLineAndExitOne(t *testing.T) {
	crash := cli.Recovering("analyze", func([]string, io.Writer, io.Writer) int {
		panic("runtime error: index out of range [3] with length 3\nsecond line")
	})
	var stdout, stderr bytes.Buffer
	code := crash(nil, &stdout, &stderr)
	want := "Error: analyze crashed: runtime error: index out of range [3] with length 3\\nsecond line (a bug: please report it; ESTATE_DEBUG=1 prints the stack)\n"
	if code != cli.ExitBadInput || stderr.String() != want {
		t.Errorf("exit %d, stderr %q\nwant 1, %q", code, stderr.String(), want)
	}
	t.Setenv(cli.EnvDebug, "1")
	stderr.Reset()
	crash(nil, &stdout, &stderr)
	if !strings.HasPrefix(stderr.String(), want) || !strings.Contains(stderr.String(), "goroutine") {
		t.Errorf("with %s=1 the stack follows the line; got %q", cli.EnvDebug, stderr.String())
	}
}

func TestLabOnABusyAddressSaysWhich(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	addr := ln.Addr().String()
	for _, tt := range []struct{ listen, want string }{
		{addr, "Error: cannot listen on " + addr + ": bind: address already in use\n"},
		{"nonsense", "Error: cannot listen on \"nonsense\": address nonsense: missing port in address (want host:port, for example 127.0.0.1:8989)\n"},
	} {
		var stdout, stderr bytes.Buffer
		code := cli.Commands["lab"]([]string{"--estate", "small", "--listen", tt.listen}, &stdout, &stderr)
		if code != cli.ExitBadInput || stderr.String() != tt.want {
			t.Errorf("--listen %s: exit %d, stderr %q\nwant 1, %q", tt.listen, code, stderr.String(), tt.want)
		}
	}
}

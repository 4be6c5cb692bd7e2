// Package cli holds the subcommands of the provider binary: lab, snapshot and
// analyze. Each takes its arguments and output streams and returns the exit code.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// Command runs a subcommand and returns its exit code.
type Command func(args []string, stdout, stderr io.Writer) int

// Commands are the subcommands by name. Each turns a panic into one line and exit 1.
var Commands = map[string]Command{
	"lab":      Recovering("lab", Lab),
	"snapshot": Recovering("snapshot", Snapshot),
	"analyze":  Recovering("analyze", Analyze),
	"impact":   Recovering("impact", Impact),
}

// EnvDebug set to 1 makes a subcommand that crashes print the Go stack trace.
const EnvDebug = "ESTATE_DEBUG"

// Recovering runs a command so that a panic (a bug, never a finding) prints one
// line and exits 1 (ExitBadInput), not a stack dump and exit 2, which CI would
// read as findings. With ESTATE_DEBUG=1 the stack follows the line.
func Recovering(name string, run Command) Command {
	return func(args []string, stdout, stderr io.Writer) (code int) {
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(stderr, "Error: %s crashed: %s (a bug: please report it; %s=1 prints the stack)\n", name, oneLine(fmt.Sprint(r)), EnvDebug)
				if os.Getenv(EnvDebug) == "1" {
					_, _ = stderr.Write(debug.Stack())
				}
				code = ExitBadInput
			}
		}()
		return run(args, stdout, stderr)
	}
}

// parseFlags parses a subcommand's flags and rejects stray arguments, so a
// flag after one is never silently ignored. It returns the exit code and false
// when the command must stop: 0 after --help, 1 on a bad flag or argument.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitBadInput, false // the flag package printed the error and the usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "Error: unexpected argument %s: %s takes only flags (see --help)\n", quote(fs.Arg(0)), fs.Name())
		return ExitBadInput, false
	}
	return ExitOK, true
}

// fail prints one error line (control characters escaped, long values clipped) and returns ExitBadInput.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "Error:", errorText(err))
	return ExitBadInput
}

// errorText renders an error for the terminal: each line escaped, at most maxErrorLines lines.
func errorText(err error) string {
	lines := strings.Split(err.Error(), "\n")
	const maxErrorLines = 25
	if len(lines) > maxErrorLines {
		lines = append(lines[:maxErrorLines], fmt.Sprintf("… and %d more lines", len(lines)-maxErrorLines))
	}
	for i, l := range lines {
		l = clean(l)
		if len(l) > maxErrorLine {
			l = clip(l, maxErrorLine)
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// maxErrorLine bounds one line of an error message, in bytes.
const maxErrorLine = 1000

func oneLine(s string) string { return clip(clean(s), maxErrorLine) }

// Usage lists the subcommands.
func Usage() string {
	names := make([]string, 0, len(Commands))
	for n := range Commands {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, " | ") + " [flags]"
}

// Exit codes shared by the subcommands.
const (
	ExitOK       = 0
	ExitBadInput = 1
	ExitFindings = 2
)

// logger logs to stderr at the level TF_LOG asks for, as the provider does.
func logger(name string, stderr io.Writer) hclog.Logger {
	level := hclog.LevelFromString(os.Getenv("TF_LOG"))
	if level == hclog.NoLevel {
		level = hclog.Warn
	}
	return hclog.New(&hclog.LoggerOptions{Name: name, Level: level, Output: stderr})
}

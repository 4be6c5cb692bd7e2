// Package cli holds the subcommands of the provider binary: lab, snapshot and
// analyze. Each takes its arguments and output streams and returns the exit code.
package cli

import (
	"io"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// Command runs a subcommand and returns its exit code.
type Command func(args []string, stdout, stderr io.Writer) int

// Commands are the subcommands by name.
var Commands = map[string]Command{
	"lab":      Lab,
	"snapshot": Snapshot,
	"analyze":  Analyze,
}

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

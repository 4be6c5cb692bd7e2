package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Format is the version tag of the snapshot file this build reads and writes.
const Format = "estate.snapshot/v1"

type document struct {
	Format string `json:"format"`
	Estate
}

// MaxSnapshotBytes is the largest snapshot document Decode reads: 256 MiB, about
// 70 times a synthetic 10,000-VM estate (3.5 MiB). Larger input (or endless
// input such as /dev/zero) is refused with an error instead of exhausting memory.
// It is a variable only so tests can lower it.
var MaxSnapshotBytes int64 = 256 << 20

// Decode reads an estate.snapshot/v1 document and validates it. Unknown fields
// are ignored, so files from newer writers that only add fields still load.
// Input larger than MaxSnapshotBytes and text that is not valid UTF-8 are errors.
func Decode(r io.Reader) (*Snapshot, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSnapshotBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading snapshot: %w", err)
	}
	if int64(len(data)) > MaxSnapshotBytes {
		return nil, fmt.Errorf("snapshot is larger than the limit of %s: not an estate.snapshot/v1 file (real estates are a few MiB)", sizeString(MaxSnapshotBytes))
	}
	if !utf8.Valid(data) {
		line, col := position(data, int64(firstInvalidUTF8(data)))
		return nil, fmt.Errorf("snapshot is not valid UTF-8 at line %d, column %d: JSON text must be UTF-8", line, col)
	}
	var doc document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, describeJSONError(data, err)
	}
	switch doc.Format {
	case Format:
	case "":
		return nil, fmt.Errorf(`snapshot has no "format" field: want %q`, Format)
	default:
		return nil, fmt.Errorf("unsupported snapshot format %q: this build reads %q", doc.Format, Format)
	}
	return New(doc.Estate)
}

// DecodeFile reads and validates a snapshot file, naming the file in errors.
func DecodeFile(path string) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	s, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("snapshot file %s: %w", path, err)
	}
	return s, nil
}

// Encode writes the snapshot as an indented estate.snapshot/v1 document.
// Output is deterministic: collections are sorted by name.
func Encode(w io.Writer, s *Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(document{Format: Format, Estate: nonNilCollections(s.Estate())})
}

// EncodeString is Encode into a string, for the topology data source.
func EncodeString(s *Snapshot) (string, error) {
	var b bytes.Buffer
	if err := Encode(&b, s); err != nil {
		return "", err
	}
	return b.String(), nil
}

// nonNilCollections makes empty collections encode as [] rather than null.
func nonNilCollections(e Estate) Estate {
	if e.Clusters == nil {
		e.Clusters = []Cluster{}
	}
	if e.Hosts == nil {
		e.Hosts = []Host{}
	}
	if e.VMs == nil {
		e.VMs = []VM{}
	}
	if e.Datastores == nil {
		e.Datastores = []Datastore{}
	}
	if e.BusinessSystems == nil {
		e.BusinessSystems = []BusinessSystem{}
	}
	if e.StandbyGroups == nil {
		e.StandbyGroups = []StandbyGroup{}
	}
	return e
}

// describeJSONError turns encoding/json's byte offsets into line:column.
func describeJSONError(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset-1) // Offset counts the offending byte
		return fmt.Errorf("snapshot is not valid JSON at line %d, column %d: %s", line, col, syntax.Error())
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return fmt.Errorf("snapshot field %q ending at line %d, column %d: got JSON %s, want %s", strings.TrimPrefix(typ.Field, "Estate."), line, col, typ.Value, typ.Type)
	default:
		return fmt.Errorf("snapshot is not valid JSON: %w", err)
	}
}

func position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < offset && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// firstInvalidUTF8 returns the offset of the first byte that is not valid UTF-8.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

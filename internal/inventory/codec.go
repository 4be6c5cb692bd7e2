package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Format is the version tag of the snapshot file this build reads and writes.
const Format = "estate.snapshot/v1"

type document struct {
	Format string `json:"format"`
	Estate
}

// Decode reads an estate.snapshot/v1 document and validates it. Unknown fields
// are ignored, so files from newer writers that only add fields still load.
func Decode(r io.Reader) (*Snapshot, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading snapshot: %w", err)
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

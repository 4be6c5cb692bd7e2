package inventory

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// VMFilter selects VMs, as `terraform query` lists placements: every field that is set must
// match (they combine with AND); an empty filter selects every VM.
type VMFilter struct {
	Cluster ClusterName
	Host    HostName
	// Tag is a vSphere tag as the estate writes it, `category/tag` (`system/web shop`).
	Tag string
	// NamePattern is a glob over the VM name: `*` any run of characters but `/`, `?` one
	// character, `[a-c]` `[^0-9]` one of (or none of) a set, `\` quotes the next character.
	NamePattern string
}

// CheckNamePattern reports whether a name pattern is a valid glob, in words a person can act on.
func CheckNamePattern(pattern string) error {
	if _, err := path.Match(pattern, ""); err != nil {
		return fmt.Errorf("name_pattern %q is not a valid glob (`*` any characters, `?` one character, `[a-c]` a set, `\\` quotes the next character): %w",
			Clip(pattern), err)
	}
	return nil
}

// SelectVMs returns the VMs the filter selects, sorted by name. A cluster or host the estate
// does not have, a tag no VM carries, or a malformed name pattern, is an error naming what is known: a typo must not
// look like an empty cluster. A VM runs on a host; one whose host is outside any cluster matches
// no cluster filter.
func (s *Snapshot) SelectVMs(f VMFilter) ([]VM, error) {
	if f.Cluster != "" {
		if _, ok := s.Cluster(f.Cluster); !ok {
			known := map[ClusterName]bool{}
			for _, c := range s.Clusters() {
				known[c.Name] = true
			}
			return nil, fmt.Errorf("unknown cluster %q: %s", Clip(string(f.Cluster)), KnownList("clusters", known))
		}
	}
	if f.Host != "" {
		if h, ok := s.Host(f.Host); ok && f.Cluster != "" && h.Cluster != f.Cluster {
			return nil, fmt.Errorf("host %q is in cluster %q, not %q: the filters would select nothing", Clip(string(f.Host)), Clip(string(h.Cluster)), Clip(string(f.Cluster)))
		}
		if _, ok := s.Host(f.Host); !ok {
			known := map[HostName]bool{}
			for _, h := range s.Hosts() {
				if f.Cluster == "" || h.Cluster == f.Cluster {
					known[h.Name] = true
				}
			}
			where := ""
			if f.Cluster != "" {
				where = fmt.Sprintf(" in cluster %q", Clip(string(f.Cluster)))
			}
			return nil, fmt.Errorf("unknown host %q: %s%s", Clip(string(f.Host)), KnownList("hosts", known), where)
		}
	}
	if f.Tag != "" {
		if err := s.checkTag(f.Tag); err != nil {
			return nil, err
		}
	}
	if f.NamePattern != "" {
		if err := CheckNamePattern(f.NamePattern); err != nil {
			return nil, err
		}
	}
	var out []VM
	for _, v := range s.VMs() {
		if f.Host != "" && v.Host != f.Host {
			continue
		}
		if f.Cluster != "" {
			if h, ok := s.Host(v.Host); !ok || h.Cluster != f.Cluster {
				continue
			}
		}
		if f.Tag != "" && !slices.Contains(v.Tags, f.Tag) {
			continue
		}
		if f.NamePattern != "" {
			if ok, _ := path.Match(f.NamePattern, string(v.Name)); !ok {
				continue
			}
		}
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b VM) int { return strings.Compare(string(a.Name), string(b.Name)) })
	return out, nil
}

// checkTag reports a tag that no VM carries, listing the tags VMs do carry.
func (s *Snapshot) checkTag(tag string) error {
	known := map[string]bool{}
	for _, v := range s.VMs() {
		for _, t := range v.Tags {
			if t == tag {
				return nil
			}
			known[t] = true
		}
	}
	return fmt.Errorf("no VM has tag %q (tags are written category/tag): %s", Clip(tag), KnownList("VM tags", known))
}

// HostFilter selects hosts, as `terraform query` lists them: every field that is set must match.
type HostFilter struct {
	Cluster     ClusterName
	Kind        HostKind // empty: every kind
	NamePattern string   // a glob, as VMFilter's
}

// SelectHosts returns the hosts the filter selects, sorted by name. A cluster the estate does not
// have, or a malformed name pattern, is an error naming what is known.
func (s *Snapshot) SelectHosts(f HostFilter) ([]Host, error) {
	if f.Cluster != "" {
		if _, ok := s.Cluster(f.Cluster); !ok {
			known := map[ClusterName]bool{}
			for _, c := range s.Clusters() {
				known[c.Name] = true
			}
			return nil, fmt.Errorf("unknown cluster %q: %s", Clip(string(f.Cluster)), KnownList("clusters", known))
		}
	}
	if f.NamePattern != "" {
		if err := CheckNamePattern(f.NamePattern); err != nil {
			return nil, err
		}
	}
	var out []Host
	for _, h := range s.Hosts() {
		if f.Cluster != "" && h.Cluster != f.Cluster || f.Kind != "" && h.Kind != f.Kind {
			continue
		}
		if f.NamePattern != "" {
			if ok, _ := path.Match(f.NamePattern, string(h.Name)); !ok {
				continue
			}
		}
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Host) int { return strings.Compare(string(a.Name), string(b.Name)) })
	return out, nil
}

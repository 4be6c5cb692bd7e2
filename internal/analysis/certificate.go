package analysis

// certify checks an assignment from scratch: the search state is derived
// again from the snapshot, then every VM is placed in turn only where every
// checker of the placement rule allows it (eligibility is re-derived, not
// taken from the search's candidate lists), and the spread is checked at the
// end. It is the certificate behind every "safe".
func (p *problem) certify(chosen assignment) bool {
	if len(chosen) != len(p.vms) {
		return false
	}
	p.reset()
	defer p.reset()
	used := p.spreadState()
	for i, h := range chosen {
		if h < 0 || h >= len(p.w.hosts) || !p.allows(p.vms[i], h) {
			return false
		}
		p.place(i, h)
		p.markSpread(used, i, h)
	}
	return p.spreadOK(used)
}

// reset derives the search state again: free capacity and anti-affinity counts.
func (p *problem) reset() {
	for k, h := range p.hosts {
		p.free[k] = p.w.capacity[h].sub(p.w.load[h]).add(p.freed[h])
	}
	p.anti = nil
	p.indexAnti()
}

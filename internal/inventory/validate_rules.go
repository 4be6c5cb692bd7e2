package inventory

// validateRules checks a cluster's DRS groups and rules: names unique within
// the cluster (vSphere keeps VM and host groups in one namespace), members
// known, host group members in this cluster, and each rule shaped for its kind.
func validateRules(v *validator, path string, c Cluster, vmCluster map[VMName]ClusterName, hostCluster map[HostName]ClusterName) {
	groups := map[string]string{} // group name → "vm" or "host"
	group := func(p, name, kind string) {
		switch {
		case name == "":
			v.addf(p+".name", "must not be empty")
		case groups[name] != "":
			v.addf(p, "duplicate group name %q: VM and host groups of a cluster share one namespace", name)
		}
		groups[name] = kind
	}
	for i, g := range c.VMGroups {
		p := sprintf("%s.vm_groups[%d] %q", path, i, g.Name)
		group(p, g.Name, "vm")
		for j, m := range g.VMs {
			member(v, sprintf("%s.vms[%d]", p, j), m, c.Name, vmCluster)
		}
	}
	for i, g := range c.HostGroups {
		p := sprintf("%s.host_groups[%d] %q", path, i, g.Name)
		group(p, g.Name, "host")
		for j, h := range g.Hosts {
			if hc, ok := hostCluster[h]; !ok {
				v.addf(sprintf("%s.hosts[%d]", p, j), "unknown host %q", h)
			} else if hc != c.Name {
				v.addf(sprintf("%s.hosts[%d]", p, j), "host %q is in cluster %q, not in %q: DRS groups hold hosts of their own cluster", h, hc, c.Name)
			}
		}
	}
	seen := map[string]bool{}
	for i, r := range c.Rules {
		p := sprintf("%s.rules[%d] %q", path, i, r.Name)
		switch {
		case r.Name == "":
			v.addf(p+".name", "must not be empty")
		case seen[r.Name]:
			v.addf(p, "duplicate rule name: rule names of a cluster must be unique")
		}
		seen[r.Name] = true
		oneOf(v, p+".kind", r.Kind, RuleKinds)
		if r.Kind.VMHost() {
			validateVMHostRule(v, p, r, groups)
		} else if r.Kind == RuleVMAffinity || r.Kind == RuleVMAntiAffinity {
			validateVMVMRule(v, p, r, c.Name, vmCluster)
		}
	}
}

func validateVMHostRule(v *validator, p string, r Rule, groups map[string]string) {
	if len(r.VMs) > 0 {
		v.addf(p+".vms", "a %s rule relates vm_group to host_group; list the VMs in the VM group", r.Kind)
	}
	if groups[r.VMGroup] != "vm" {
		v.addf(p+".vm_group", "must name a VM group of the cluster, got %q", r.VMGroup)
	}
	if groups[r.HostGroup] != "host" {
		v.addf(p+".host_group", "must name a host group of the cluster, got %q", r.HostGroup)
	}
}

func validateVMVMRule(v *validator, p string, r Rule, cluster ClusterName, vmCluster map[VMName]ClusterName) {
	if r.VMGroup != "" || r.HostGroup != "" {
		v.addf(p, "a %s rule lists vms; vm_group and host_group belong to VM-Host rules", r.Kind)
	}
	if len(r.VMs) < 2 {
		v.addf(p+".vms", "a %s rule needs at least 2 VMs, got %d", r.Kind, len(r.VMs))
	}
	for j, m := range r.VMs {
		member(v, sprintf("%s.vms[%d]", p, j), m, cluster, vmCluster)
	}
}

// member checks that a VM named by a DRS group or rule runs in the rule's
// cluster: vSphere keeps DRS groups and rules to VMs of their own cluster, and
// a VM that leaves the cluster loses its group affiliation (vSphere API,
// ClusterVmGroup).
func member(v *validator, path string, m VMName, cluster ClusterName, vmCluster map[VMName]ClusterName) {
	switch c, ok := vmCluster[m]; {
	case !ok:
		known := make(map[VMName]bool, len(vmCluster))
		for name := range vmCluster {
			known[name] = true
		}
		reference(v, path, "VM", m, known)
	case c != cluster:
		v.addf(path, "VM %q runs in cluster %q, not in %q: DRS groups and rules hold VMs of their own cluster", m, c, cluster)
	}
}

package inventory

import "fmt"

// PutCluster adds a cluster, or replaces the cluster of the same name: the
// failover domain of declared servers, which vCenter does not know.
type PutCluster struct{ Cluster Cluster }

func (c PutCluster) String() string { return fmt.Sprintf("put cluster %q", c.Cluster.Name) }

func (c PutCluster) apply(e *Estate) error {
	e.Clusters = put(e.Clusters, c.Cluster, func(cl Cluster) ClusterName { return cl.Name })
	return nil
}

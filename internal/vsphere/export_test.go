package vsphere

// Abandon drops the client as SIGKILL does: no logout, and the session file's lock is released.
func (c *Client) Abandon() {
	c.keepalive.Stop()
	c.session.release(false)
}

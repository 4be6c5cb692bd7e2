package provider

// SetBeforeWave makes estate_migration's apply call f before it checks each
// wave against vCenter; the returned function restores the previous hook.
func SetBeforeWave(f func(wave int)) func() {
	old := beforeWave
	beforeWave = f
	return func() { beforeWave = old }
}

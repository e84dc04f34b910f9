//go:build !unix

package journal

import "os"

// processAlive: on Windows os.FindProcess opens the process and fails when
// there is none. Elsewhere it cannot tell, and then the lock is never judged
// stale: a false "in use" is safe, a false "stale" is not.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}

//go:build unix

package journal

import (
	"errors"
	"syscall"
)

// processAlive asks the kernel with signal 0: ESRCH means no such process;
// EPERM means it exists but belongs to someone else.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

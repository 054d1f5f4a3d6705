//go:build !linux

package temporalcluster

import "syscall"

// sysProcAttr is the default elsewhere: only Linux kills the processes
// with their launcher.
func sysProcAttr() *syscall.SysProcAttr { return nil }

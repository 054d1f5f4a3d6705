package temporalcluster

import "syscall"

// sysProcAttr puts a server process in its own process group, so a Ctrl-C
// reaches only the launcher, which stops the processes in order, and kills
// it when the launcher dies, so no server outlives a crashed test.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

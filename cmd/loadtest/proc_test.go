package main

import (
	"os"
	"testing"
	"time"
)

func TestProcReadsThisProcess(t *testing.T) {
	// Busy until the kernel has counted a clock tick of CPU, for up to
	// five seconds.
	var cpu float64
	var err error
	for deadline := time.Now().Add(5 * time.Second); cpu == 0 && err == nil && time.Now().Before(deadline); {
		cpu, err = cpuSeconds(os.Getpid())
	}
	if err != nil || cpu <= 0 {
		t.Errorf("CPU seconds %v, %v", cpu, err)
	}
	m, err := residentMemory(os.Getpid())
	if err != nil || m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("memory %+v, %v", m, err)
	}
	if _, err := loadAverage(); err != nil {
		t.Error(err)
	}
	if _, err := cpuSeconds(-1); err == nil {
		t.Error("CPU seconds of no process: no error")
	}
}

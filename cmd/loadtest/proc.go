package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat's CPU
// times: 100 on every Linux this runs on.
const clockTicks = 100

// cpuSeconds is the user + system CPU time process pid has used so far,
// from /proc/<pid>/stat.
func cpuSeconds(pid int) (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: fields are counted
	// after its closing parenthesis, from field 3 (state) on.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad CPU times %q %q", pid, f[11], f[12])
	}
	return (utime + stime) / clockTicks, nil
}

// memory is a process's resident set now and at its peak, in MiB.
type memory struct {
	RSS  float64 `json:"rss_mib"`
	Peak float64 `json:"peak_rss_mib"`
}

// residentMemory reads VmRSS and VmHWM of process pid from
// /proc/<pid>/status.
func residentMemory(pid int) (memory, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	var m memory
	for _, line := range strings.Split(string(raw), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 64)
		if err != nil {
			return memory{}, fmt.Errorf("/proc/%d/status %s: %w", pid, name, err)
		}
		if name == "VmRSS" {
			m.RSS = kb / 1024
		} else {
			m.Peak = kb / 1024
		}
	}
	return m, nil
}

// loadAverage is the 1, 5 and 15 minute load average from /proc/loadavg.
func loadAverage() ([3]float64, error) {
	var l [3]float64
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return l, err
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return l, fmt.Errorf("/proc/loadavg: %q", raw)
	}
	for i := range l {
		if l[i], err = strconv.ParseFloat(f[i], 64); err != nil {
			return l, fmt.Errorf("/proc/loadavg: %w", err)
		}
	}
	return l, nil
}

// processes are the processes whose CPU a run accounts for, by role
// (temporal, worker, server, harness), with their PIDs: one each, but the
// four of a Temporal cluster's services under "temporal"; a role whose
// processes the harness does not know (a targeted stack) is absent.
type processes map[string][]int

// cpu is the CPU seconds each role's processes have used so far, summed;
// a process that cannot be read is left out, a role with none readable
// too.
func (p processes) cpu() map[string]float64 {
	out := map[string]float64{}
	for role, pids := range p {
		for _, pid := range pids {
			if s, err := cpuSeconds(pid); err == nil {
				out[role] += s
			}
		}
	}
	return out
}

// cpuPerOp is the CPU milliseconds each process spent per operation
// between the snapshots before and after, over ops operations.
func cpuPerOp(before, after map[string]float64, ops float64) map[string]float64 {
	if ops <= 0 {
		return nil
	}
	out := map[string]float64{}
	for role, b := range before {
		if a, ok := after[role]; ok {
			out[role] = (a - b) * 1000 / ops
		}
	}
	return out
}

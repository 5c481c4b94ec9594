package lifecyclebench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// providerProcess is the provider running in debug mode: Terraform attaches to it through
// TF_REATTACH_PROVIDERS instead of starting it, so the bench can read its memory.
type providerProcess struct {
	cmd      *exec.Cmd
	reattach string // the value of TF_REATTACH_PROVIDERS
	exited   chan struct{}
	waitErr  error
	logFile  *os.File
}

// reattachPrefix starts the line where the provider's debug mode prints the reattach configuration:
// TF_REATTACH_PROVIDERS='{"registry.terraform.io/...":{...}}'.
const reattachPrefix = "TF_REATTACH_PROVIDERS='"

// providerStartTimeout bounds the wait for the reattach line.
const providerStartTimeout = 30 * time.Second

// startProvider runs binary -debug with env and waits until it prints its reattach configuration.
// Its stderr (its logs) goes to logPath.
func startProvider(ctx context.Context, binary string, env []string, logPath string) (*providerProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, "-debug")
	cmd.Env = env
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = logFile.Close() // nothing was written yet
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close() // nothing was written yet
		return nil, fmt.Errorf("start the provider: %w", err)
	}
	p := &providerProcess{cmd: cmd, exited: make(chan struct{}), logFile: logFile}
	found := make(chan string, 1)
	go func() {
		found <- scanReattach(stdout)
		_, _ = io.Copy(io.Discard, stdout) // keep the pipe drained; a read error means the process is gone
	}()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	timer := time.NewTimer(providerStartTimeout)
	defer timer.Stop()
	select {
	case p.reattach = <-found:
		if p.reattach != "" {
			return p, nil
		}
		err = errors.New("the provider did not print TF_REATTACH_PROVIDERS")
	case <-p.exited:
		err = fmt.Errorf("the provider exited before it was ready: %v", p.waitErr)
	case <-timer.C:
		err = fmt.Errorf("the provider printed no TF_REATTACH_PROVIDERS within %v", providerStartTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	return nil, errors.Join(fmt.Errorf("%w (its log: %s)", err, logPath), p.stop())
}

// scanReattach returns the reattach configuration from the provider's output, or "" at its end.
func scanReattach(r io.Reader) string {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if v, ok := parseReattachLine(sc.Text()); ok {
			return v
		}
	}
	return ""
}

// parseReattachLine reads the JSON out of "	TF_REATTACH_PROVIDERS='{...}'".
func parseReattachLine(line string) (string, bool) {
	_, rest, ok := strings.Cut(line, reattachPrefix)
	if !ok {
		return "", false
	}
	v, ok := strings.CutSuffix(strings.TrimSpace(rest), "'")
	if !ok || !strings.HasPrefix(v, "{") {
		return "", false
	}
	return v, true
}

// hasProc reports whether the system has Linux's /proc, where the provider's memory and CPU are read.
// Elsewhere both are reported as 0.
var hasProc = runtime.GOOS == "linux"

// peakRSSKiB is the process's resident-memory high-water mark (VmHWM in /proc/<pid>/status), in KiB.
func (p *providerProcess) peakRSSKiB() (int64, error) {
	if !hasProc {
		return 0, nil
	}
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, fmt.Errorf("read the provider's memory: %w", err)
	}
	return parseVmHWM(string(data))
}

// cpuTime is the CPU time (user and system) the process used so far, from /proc/<pid>/stat.
func (p *providerProcess) cpuTime() (time.Duration, error) {
	if !hasProc {
		return 0, nil
	}
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "stat"))
	if err != nil {
		return 0, fmt.Errorf("read the provider's CPU time: %w", err)
	}
	return parseStatCPU(string(data))
}

// clockTicksPerSecond is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every Linux
// architecture Go supports.
const clockTicksPerSecond = 100

// parseStatCPU reads utime + stime (fields 14 and 15) of a /proc/<pid>/stat text. The command name
// (field 2) is in parentheses and may hold spaces, so the fields are counted after its closing one.
func parseStatCPU(stat string) (time.Duration, error) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, errors.New("unexpected /proc/<pid>/stat format")
	}
	fields := strings.Fields(stat[end+1:]) // fields[0] is field 3 (state)
	if len(fields) < 13 {
		return 0, errors.New("unexpected /proc/<pid>/stat format")
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc/<pid>/stat field %q", f)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicksPerSecond, nil
}

// parseVmHWM reads "VmHWM:	   12345 kB" from a /proc/<pid>/status text.
func parseVmHWM(status string) (int64, error) {
	for line := range strings.SplitSeq(status, "\n") {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("unexpected VmHWM line %q", line)
		}
		return strconv.ParseInt(fields[0], 10, 64)
	}
	return 0, errors.New("no VmHWM in /proc/<pid>/status")
}

// stop interrupts the provider (its debug mode stops on SIGINT) and kills it if it does not exit.
func (p *providerProcess) stop() error {
	defer func() { _ = p.logFile.Close() }() // the log is only for reading after a failure
	select {
	case <-p.exited:
		return nil
	default:
	}
	// Where interrupts cannot be sent (Windows), the provider is killed at once.
	if err := p.cmd.Process.Signal(os.Interrupt); err == nil {
		timer := time.NewTimer(5 * time.Second)
		defer timer.Stop()
		select {
		case <-p.exited:
			return nil
		case <-timer.C:
		}
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-p.exited
	return nil
}

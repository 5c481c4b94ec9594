package lifecyclebench

import (
	"strings"
	"testing"
	"time"
)

func TestParseReattachLine(t *testing.T) {
	const cfg = `{"registry.terraform.io/gitdeploy/gitdeploy":{"Protocol":"grpc","ProtocolVersion":6,"Pid":1,"Test":true,"Addr":{"Network":"unix","String":"/tmp/plugin1"}}}`
	if got, ok := parseReattachLine("\tTF_REATTACH_PROVIDERS='" + cfg + "'"); !ok || got != cfg {
		t.Errorf("got %q, %v; want the JSON", got, ok)
	}
	for _, line := range []string{"", "Provider started.", "TF_REATTACH_PROVIDERS='{unterminated", "TF_REATTACH_PROVIDERS='x'"} {
		if got, ok := parseReattachLine(line); ok {
			t.Errorf("parseReattachLine(%q) = %q, want no match", line, got)
		}
	}
	out := "Provider started. To attach ...:\n\n\tTF_REATTACH_PROVIDERS='" + cfg + "'\n\n"
	if got := scanReattach(strings.NewReader(out)); got != cfg {
		t.Errorf("scanReattach = %q", got)
	}
}

func TestParseVmHWM(t *testing.T) {
	status := "Name:\tterraform-provi\nVmPeak:\t 1300000 kB\nVmHWM:\t   52344 kB\nVmRSS:\t   40000 kB\n"
	if got, err := parseVmHWM(status); err != nil || got != 52344 {
		t.Errorf("got %d, %v; want 52344", got, err)
	}
	if _, err := parseVmHWM("Name:\tx\n"); err == nil {
		t.Error("no VmHWM: want an error")
	}
	if _, err := parseVmHWM("VmHWM:\t 12 MB\n"); err == nil {
		t.Error("unknown unit: want an error")
	}
}

func TestParseStatCPU(t *testing.T) {
	// pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
	stat := "4242 (terraform-prov (x)) S 1 1 1 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 12 0"
	if got, err := parseStatCPU(stat); err != nil || got != 2870*time.Millisecond {
		t.Errorf("got %v, %v; want 2.87s", got, err)
	}
	if _, err := parseStatCPU("4242 (x) S 1"); err == nil {
		t.Error("short stat: want an error")
	}
}

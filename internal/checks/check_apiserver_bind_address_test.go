package checks

import "testing"

func TestPublicAddress(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		public bool
	}{
		{"203.0.113.10", true},
		{"8.8.8.8", true},
		{"2001:db8::1", true},
		{"::ffff:8.8.8.8", true},
		{"10.0.0.1", false},
		{"172.16.5.4", false},
		{"192.168.0.10", false},
		{"100.64.1.1", false},
		{"169.254.0.1", false},
		{"127.0.0.1", false},
		{"::1", false},
		{"fd00::1", false},
		{"fe80::1", false},
		{"::ffff:10.0.0.1", false},
		{"0.0.0.0", false},
		{"api.example.com", false},
		{"", false},
	} {
		if got := publicAddress(tc.addr); got != tc.public {
			t.Errorf("publicAddress(%q) = %v, want %v", tc.addr, got, tc.public)
		}
	}
}

func TestAPIServerBindAddressProcess(t *testing.T) {
	runCases(t, "apiserver-bind-address", []checkCase{{
		name: "secure port off serves nothing",
		host: processNode("kube-apiserver", 812, "--secure-port=0"),
	}, {
		name: "loopback behind a local proxy",
		host: processNode("kube-apiserver", 812, "--bind-address=127.0.0.1"),
	}, {
		name: "every interface, IPv6",
		host: processNode("kube-apiserver", 812, "--bind-address=::"),
		want: []finding{{Object: "File /proc/812/cmdline", Path: "--bind-address", Reason: "API server reachability depends on firewalls",
			Detail: "kube-apiserver (process 812) listens on port 6443 of every interface (--bind-address=::): firewall rules must admit only the networks of its clients"}},
	}})
}

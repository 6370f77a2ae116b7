package checks

import "testing"

func TestClosestName(t *testing.T) {
	candidates := []string{"privileged", "readOnlyRootFilesystem", "hostPID", "hostIPC", "fsGroup", "drop"}
	tests := []struct {
		name   string
		want   string
		wantOK bool
	}{
		{"privilaged", "privileged", true},                         // one substitution
		{"privilgeed", "privileged", true},                         // one transposition
		{"privlged", "privileged", true},                           // two deletions, long name
		{"readonlyRootFilesystem", "readOnlyRootFilesystem", true}, // case only
		{"HOSTPID", "hostPID", true},
		{"hostPIDs", "hostPID", true},
		{"hstPD", "", false}, // two edits from a seven-letter name
		{"fsGroups", "fsGroup", true},
		{"group", "", false},
		{"dorp", "drop", true},
		{"replicas", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := closestName(tt.name, candidates)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("closestName(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

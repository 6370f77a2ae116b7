package image

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/kubestride/kubestride/internal/image/imagetest"
)

// TestCredentials: credentials come from the Docker config file as crane
// and cosign read it (DOCKER_CONFIG's config.json: auths, credHelpers,
// credsStore), against a registry that requires basic authentication.
// No error shows the password.
func TestCredentials(t *testing.T) {
	const user, password = "ci", "s3cret-Pa55"
	reg := imagetest.StartWith(t, imagetest.Options{User: user, Password: password})
	home := t.TempDir()
	bin := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_RUNTIME_DIR", home)
	t.Setenv("REGISTRY_AUTH_FILE", "")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	auth := func(u, p string) string { return base64.StdEncoding.EncodeToString([]byte(u + ":" + p)) }
	h := reg.Host
	helper(t, bin, "good", h, `{"ServerURL":"'"$server"'","Username":"`+user+`","Secret":"`+password+`"}`, 0)
	helper(t, bin, "stale", h, `{"ServerURL":"'"$server"'","Username":"`+user+`","Secret":"expired-`+password+`"}`, 0)
	helper(t, bin, "broken", h, `helper store is locked`, 1)

	ref := mustRef(t, reg.Ref("team/app", ":v1"))
	img := imagetest.Image(t, imagetest.ImageOptions{})
	d, _ := img.Digest()
	tag, _ := ref.reference()
	if err := remote.Write(tag, img, remote.WithAuth(&authn.Basic{Username: user, Password: password})); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, config string
		kind         error
		want         string // the error; empty when the image resolves
	}{
		{"auths", `{"auths":{"` + h + `":{"auth":"` + auth(user, password) + `"}}}`, nil, ""},
		{"credHelpers", `{"credHelpers":{"` + h + `":"good"}}`, nil, ""},
		{"credsStore", `{"credsStore":"good"}`, nil, ""},
		{"credHelpers win over credsStore", `{"credsStore":"stale","credHelpers":{"` + h + `":"good"}}`, nil, ""},
		{"no config", ``, ErrAuth,
			`image "` + h + `/team/app:v1": registry ` + h + ` requires credentials, and none are configured for it (401 Unauthorized)`},
		{"credentials for another registry", `{"auths":{"registry.example.com":{"auth":"` + auth(user, password) + `"}}}`, ErrAuth,
			`image "` + h + `/team/app:v1": registry ` + h + ` requires credentials, and none are configured for it (401 Unauthorized)`},
		{"wrong password", `{"auths":{"` + h + `":{"auth":"` + auth(user, "not-"+password) + `"}}}`, ErrAuth,
			`image "` + h + `/team/app:v1": registry ` + h + ` refused the credentials configured for it (401 Unauthorized)`},
		{"stale helper", `{"credHelpers":{"` + h + `":"stale"}}`, ErrAuth,
			`image "` + h + `/team/app:v1": registry ` + h + ` refused the credentials configured for it (401 Unauthorized)`},
		{"broken helper", `{"credHelpers":{"` + h + `":"broken"}}`, ErrAuth,
			`image "` + h + `/team/app:v1": the credentials for registry ` + h + ` could not be read: error getting credentials - err: exit status 1, out: ` + "`helper store is locked`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			useConfig(t, tc.config)
			got, err := client(t, nil, 5*time.Second).Resolve(context.Background(), ref)
			if tc.want == "" {
				if err != nil || got.Digest != d {
					t.Fatalf("resolve: %+v, %v; want %s", got, err, d)
				}
				return
			}
			if err == nil || err.Error() != tc.want || !errors.Is(err, tc.kind) {
				t.Fatalf("error\n got %v\nwant %s (%v)", err, tc.want, tc.kind)
			}
			if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), auth(user, password)) {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

// useConfig makes config (none when empty) the Docker config file, in a
// directory of its own named by DOCKER_CONFIG.
func useConfig(t *testing.T, config string) {
	t.Helper()
	dir := t.TempDir()
	if config != "" {
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("DOCKER_CONFIG", dir)
}

// helper writes docker-credential-<name> into bin: for "get" of host it
// prints out (with $server, the registry asked about) and exits with
// code; of any other server, it answers as helpers do when they hold
// nothing for it.
func helper(t *testing.T, bin, name, host, out string, code int) {
	t.Helper()
	script := "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\n" +
		"[ \"$server\" = '" + host + "' ] || { echo 'credentials not found in native keychain'; exit 1; }\n" +
		"echo '" + out + "'\nexit " + string(rune('0'+code)) + "\n"
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-"+name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

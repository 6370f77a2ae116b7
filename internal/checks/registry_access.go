package checks

// What the registry-access checks share: where a container image is pulled
// from, and whether a pull secret's Docker config server covers it, as the
// kubelet matches them (k8s.io/kubernetes/pkg/credentialprovider: the host
// with "*" wildcards per dot-separated label and the same port, then the
// server's path as a prefix of the repository).

import (
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestride/kubestride/internal/inventory"
)

// refRegistrySecrets documents pull secrets and the service accounts that
// hold them.
const refRegistrySecrets = "https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/"

// imageLocation returns the registry host of image and its repository, as
// the container runtime resolves a short name: docker.io, and library/ for
// a one-part name there.
func imageLocation(image string) (host, repo string) {
	name := parseImageRef(image).Name
	first, rest, ok := strings.Cut(name, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		host, repo = inventory.RegistryServer(first), rest
	} else {
		host, repo = "docker.io", name
	}
	if host == "docker.io" && !strings.Contains(repo, "/") {
		repo = "library/" + repo
	}
	return host, repo
}

// serverCovers reports whether a pull secret's server (as
// inventory.RegistryCredential holds it) applies to image.
func serverCovers(server, image string) bool {
	host, repo := imageLocation(image)
	sh, sp, _ := strings.Cut(server, "/")
	if !registryHostMatches(sh, host) {
		return false
	}
	return sp == "" || repo == sp || strings.HasPrefix(repo, sp+"/")
}

// registryHostMatches matches a host with "*" wildcards per label against
// a host; the ports must be equal.
func registryHostMatches(pattern, host string) bool {
	ph, pport := splitHostPort(pattern)
	hh, hport := splitHostPort(host)
	if pport != hport {
		return false
	}
	pl, hl := strings.Split(ph, "."), strings.Split(hh, ".")
	if len(pl) != len(hl) {
		return false
	}
	for i := range pl {
		if ok, err := path.Match(pl[i], hl[i]); err != nil || !ok {
			return false
		}
	}
	return true
}

func splitHostPort(h string) (host, port string) {
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		return h[:i], h[i+1:]
	}
	return h, ""
}

// podImages returns the images of every container of a pod spec (init,
// regular and ephemeral). It reads the spec, not Workload.Containers, as a
// workload's summary keeps the images in the spec (Inventory.AddSummary).
func podImages(s *corev1.PodSpec) []string {
	var out []string
	for _, c := range s.InitContainers {
		out = append(out, c.Image)
	}
	for _, c := range s.Containers {
		out = append(out, c.Image)
	}
	for _, c := range s.EphemeralContainers {
		out = append(out, c.Image)
	}
	return out
}

// pullSecretPath is the field of a pull secret that holds its Docker
// config.
func pullSecretPath(s *corev1.Secret) string {
	if s.Type == corev1.SecretTypeDockercfg {
		return `data[".dockercfg"]`
	}
	return `data[".dockerconfigjson"]`
}

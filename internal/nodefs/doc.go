// Package nodefs reads a node as kubeadm lays it out, under a root
// directory ("/" for the node itself, or a copy of its files): the static
// pod manifests of etc/kubernetes/manifests (or the kubelet's
// staticPodPath), every file the components' flags point at (resolved under
// the root), the kubelet's systemd unit and drop-ins with the environment
// files they name, var/lib/kubelet/config.yaml, the PKI under
// etc/kubernetes/pki, and the auditd rules of etc/audit. With Proc, it also
// reads the command lines of the running kube-apiserver, etcd,
// kube-controller-manager, kube-scheduler and kubelet from proc under the
// root (/proc on the node itself, /host/proc in a pod that mounts the
// node's / and /proc there); the files their flags point at are read under
// the root too.
//
// Manifests and configuration files become objects (read by package
// source, with their lines); everything else goes into a host.Node. Files
// are opened through an os.Root, so that a symbolic link in a copied tree
// never leads outside it. A file a flag points at that does not exist or
// cannot be read is an error naming the flag, the file and where the flag
// is written: what it holds was not evaluated.
package nodefs

// Package host is kubestride's model of what a node runs and holds beside
// Kubernetes objects: the flags of the control-plane components and of the
// kubelet (from static pod manifests, from the command lines of running
// processes, or from the kubelet's systemd unit), the modes and owners of
// the files those flags point at, the PKI, and the auditd rules that watch
// the Kubernetes binaries and configuration.
//
// The configuration files the components read (EncryptionConfiguration,
// audit Policy, KubeletConfiguration, kubeadm's ClusterConfiguration) and
// static pod manifests are Kubernetes-style objects: they are read by the
// manifest loader and live in the inventory beside any other object, so
// that a repository holding them is judged as a node holding them is. This
// package says which objects those are (IsNodeObject) and reads a
// component's flags out of a static pod (StaticPod), a command line
// (ParseArgs) or a kubelet unit.
//
// Flags are parsed as the components' own flag library (spf13/pflag)
// parses them: "--name=value", "--name value" for flags that take a value,
// "--name" alone for a boolean flag; the last occurrence of a flag wins.
package host

package rbac

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Implicit groups of authenticated identities.
const (
	GroupAuthenticated   = "system:authenticated"
	GroupUnauthenticated = "system:unauthenticated"
	GroupServiceAccounts = "system:serviceaccounts"
	// AnonymousUser is the user of unauthenticated requests.
	AnonymousUser = "system:anonymous"

	saUserPrefix  = "system:serviceaccount:"
	saGroupPrefix = "system:serviceaccounts:"
)

// Subject is a User, a Group or a ServiceAccount (the only kind with a
// namespace; in JSON the others have "namespace": "").
type Subject struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

// User, Group and ServiceAccount build subjects.
func User(name string) Subject  { return Subject{Kind: rbacv1.UserKind, Name: name} }
func Group(name string) Subject { return Subject{Kind: rbacv1.GroupKind, Name: name} }
func ServiceAccount(ns, name string) Subject {
	return Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
}

// String writes s as ParseSubject reads it: user:NAME, group:NAME or
// serviceaccount:NS:NAME (and ClusterAdmin as its name).
func (s Subject) String() string {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		return "serviceaccount:" + s.Namespace + ":" + s.Name
	case rbacv1.GroupKind:
		return "group:" + s.Name
	case ClusterAdmin.Kind:
		return s.Name
	}
	return "user:" + s.Name
}

// ParseSubject reads user:NAME, group:NAME or serviceaccount:NS:NAME (also
// sa:NS:NAME). A user named system:serviceaccount:NS:NAME is that
// ServiceAccount.
func ParseSubject(text string) (Subject, error) {
	kind, rest, ok := strings.Cut(text, ":")
	if ok && rest != "" {
		switch strings.ToLower(kind) {
		case "user", "u":
			return normalize(User(rest)), nil
		case "group", "g":
			return Group(rest), nil
		case "serviceaccount", "sa":
			if ns, name, ok := strings.Cut(rest, ":"); ok && ns != "" && name != "" {
				return ServiceAccount(ns, name), nil
			}
		}
	}
	return Subject{}, fmt.Errorf("subject %q is not user:NAME, group:NAME or serviceaccount:NAMESPACE:NAME", text)
}

// normalize turns a user named system:serviceaccount:NS:NAME into that
// ServiceAccount.
func normalize(s Subject) Subject {
	if s.Kind == rbacv1.UserKind {
		if rest, ok := strings.CutPrefix(s.Name, saUserPrefix); ok {
			if ns, name, ok := strings.Cut(rest, ":"); ok && ns != "" && name != "" && !strings.Contains(name, ":") {
				return ServiceAccount(ns, name)
			}
		}
	}
	return s
}

// Identity returns the user name and groups s asks the API server with
// (see the package documentation).
func Identity(s Subject) (user string, groups []string) {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		return saUserPrefix + s.Namespace + ":" + s.Name,
			[]string{GroupServiceAccounts, saGroupPrefix + s.Namespace, GroupAuthenticated}
	case rbacv1.GroupKind:
		return "", []string{s.Name}
	}
	if s.Name == AnonymousUser {
		return s.Name, []string{GroupUnauthenticated}
	}
	return s.Name, []string{GroupAuthenticated}
}

// kindOrder sorts users, then groups, then ServiceAccounts.
func kindOrder(kind string) int {
	switch kind {
	case rbacv1.UserKind:
		return 0
	case rbacv1.GroupKind:
		return 1
	}
	return 2
}

func compareSubjects(a, b Subject) int {
	if c := kindOrder(a.Kind) - kindOrder(b.Kind); c != 0 {
		return c
	}
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

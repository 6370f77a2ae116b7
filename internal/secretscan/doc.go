// Package secretscan tells whether a named value looks like a secret: a
// password, token or key written as a literal where a reference to a Secret
// belongs. It judges a name (DB_PASSWORD, client.secret, apiKey) and a value
// (a PEM private key, a cloud or SaaS token with a known prefix, a JSON web
// token, a URL with a password), and it reads multi-line values as the
// configuration files they usually are (key=value, key: value).
//
// A Match says what kind of secret was found and, for a setting inside a
// multi-line value, under which key; it never carries the value or any part
// of it, so callers can print it as it is.
//
// The detector uses no regular expressions. It makes a bounded number of
// linear passes over each value and allocates little, because it runs over
// every env var and every ConfigMap key of a scan, which may hold tens of
// thousands of objects.
package secretscan

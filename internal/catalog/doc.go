// Package catalog writes the check catalogue for people: the markdown of
// docs/checks.md, the list that `kubestride checks` prints, and the
// explanation of one check.
package catalog

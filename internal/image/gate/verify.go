package gate

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/kubestride/kubestride/internal/image"
	"github.com/kubestride/kubestride/internal/image/policy"
	"github.com/kubestride/kubestride/internal/image/sign"
)

// PolicyKeyID is a public key's ID as the policy names it (policy.Key.ID:
// "sha256:" and the hex SHA-256 of its PKIX DER), from the key as package
// sign loads it (whose ID is the same hash, in base64).
func PolicyKeyID(k sign.Key) (string, error) {
	sum, err := base64.StdEncoding.DecodeString(k.ID)
	if err != nil || len(sum) != 32 {
		return "", fmt.Errorf("key %s: its ID %q is not a base64 SHA-256", k.Name, k.ID)
	}
	return "sha256:" + hex.EncodeToString(sum), nil
}

// KeyRule is a signature rule requiring a signature by one of keys on the
// images of repository: what `image gate --key` adds to the policy's rules.
func KeyRule(repository, at string, keys []sign.Key) (policy.SignatureRule, error) {
	pat, err := policy.ParsePattern(repository)
	if err != nil {
		return policy.SignatureRule{}, err
	}
	rule := policy.SignatureRule{Repositories: []policy.Pattern{pat}, At: at}
	for _, k := range keys {
		id, err := PolicyKeyID(k)
		if err != nil {
			return policy.SignatureRule{}, err
		}
		rule.Keys = append(rule.Keys, policy.Key{File: k.Name, ID: id})
	}
	return rule, nil
}

// SignatureVerifier is a Verifier that checks the image's cosign
// signatures with package sign, offline, against the keys and keyless
// identities of the rules that apply to it. ropts reach the registry.
func SignatureVerifier(ropts ...remote.Option) Verifier {
	return func(ctx context.Context, ref image.Ref, rules []policy.SignatureRule) policy.Signatures {
		return verifySignatures(ctx, ref, rules, ropts)
	}
}

func verifySignatures(ctx context.Context, ref image.Ref, rules []policy.SignatureRule, ropts []remote.Option) policy.Signatures {
	if ref.Digest == "" {
		return policy.Signatures{Error: "the image's digest is not known"}
	}
	// The keys of the rules that apply, by ID; keyless identities by
	// trusted root.
	var keys []sign.Key
	ids := map[string]string{} // sign key name -> policy key ID
	byRoot := map[string][]sign.Identity{}
	var rootless []string
	repo, err := policy.Repository(ref.String())
	if err != nil {
		return policy.Signatures{Error: err.Error()}
	}
	for _, rule := range rules {
		applies := false
		for _, p := range rule.Repositories {
			applies = applies || p.Match(repo)
		}
		if !applies {
			continue
		}
		for _, k := range rule.Keys {
			name := k.File
			if name == "" {
				name = "the key " + k.ID + " at " + rule.At
			}
			if _, seen := ids[name]; seen {
				continue
			}
			var sk sign.Key
			var err error
			if k.PEM != "" {
				sk, err = sign.ParseKey(name, []byte(k.PEM))
			} else {
				sk, err = sign.LoadKey(k.File)
			}
			if err != nil {
				return policy.Signatures{Error: fmt.Sprintf("the key of the signature rule at %s: %v", rule.At, err)}
			}
			ids[name] = k.ID
			keys = append(keys, sk)
		}
		for _, id := range rule.Identities {
			if id.TrustedRoot == "" {
				rootless = append(rootless, id.String())
				continue
			}
			byRoot[id.TrustedRoot] = append(byRoot[id.TrustedRoot], sign.Identity{Issuer: id.Issuer, Subject: id.Subject, SubjectRegexp: id.SubjectRegexp})
		}
	}
	if len(keys) == 0 && len(byRoot) == 0 {
		if len(rootless) > 0 {
			return policy.Signatures{Error: fmt.Sprintf("keyless identities without a trustedRoot (%s) cannot be verified offline", strings.Join(rootless, "; "))}
		}
		// No rule applies: nothing to verify, and nothing required.
		return policy.Signatures{Checked: true}
	}

	var runs []sign.Options
	if len(keys) > 0 {
		runs = append(runs, sign.Options{Keys: keys})
	}
	roots := make([]string, 0, len(byRoot))
	for r := range byRoot {
		roots = append(roots, r)
	}
	sort.Strings(roots)
	for _, r := range roots {
		tr, err := sign.LoadTrustedRoot(r)
		if err != nil {
			return policy.Signatures{Error: err.Error()}
		}
		runs = append(runs, sign.Options{Keyless: &sign.Keyless{Root: tr, Identities: byRoot[r]}})
	}

	// One result per signature: verified under any of the runs, or the
	// reason of the first run that read it.
	out := policy.Signatures{Checked: true}
	at := map[string]int{}
	for _, o := range runs {
		o.Remote = ropts
		res, err := sign.Verify(ctx, ref.String(), o)
		if err != nil {
			return policy.Signatures{Error: err.Error()}
		}
		for _, s := range res.Signatures {
			r := policy.SignatureResult{Verified: s.Verified, Reason: string(s.Reason)}
			if s.Detail != "" {
				r.Reason += ": " + s.Detail
			}
			switch {
			case s.Verified && s.Key != "":
				r.Key = ids[s.Key]
			case s.Verified && s.Signer != nil:
				r.Issuer, r.Subject = s.Signer.Issuer, s.Signer.Subject
			}
			key := string(s.Layout) + " " + s.Source
			i, seen := at[key]
			switch {
			case !seen:
				at[key] = len(out.Results)
				out.Results = append(out.Results, r)
			case r.Verified && !out.Results[i].Verified:
				out.Results[i] = r
			}
		}
	}
	return out
}

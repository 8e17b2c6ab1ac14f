package fingerprint

import (
	"errors"
	"fmt"
)

// MatchLimit is nmap 2.01's cap on matches: a sixth matching record
// voids the whole result (2.05 raised it to 13 and said "Too many
// fingerprints match this host"; 2.01 just reports no match, which makes
// os_scan() try again).
const MatchLimit = 5

// ErrTooManyMatches is wrapped by Match when more than MatchLimit records
// match: nmap 2.01 then has no result at all.
var ErrTooManyMatches = errors.New("too many fingerprints match")

// Match returns the records the observed fingerprint matches, in file
// order, with match_fingerprint()'s all-or-nothing semantics: there is no
// score, a record matches when every one of its tests passes (see
// Record.Matches). Every matching record is listed, a name repeated when
// two records of that name match: 2.01's match_fingerprint() (osscan.c)
// stores each match as it comes (2.05 added the rule listing a name
// once). More than MatchLimit matches yield ErrTooManyMatches; as in
// match_fingerprint(), the check runs when a further match is found.
func Match(db *DB, observed *Fingerprint) ([]*Record, error) {
	if db == nil || observed == nil {
		return nil, nil
	}
	var out []*Record
	for i := range db.Records {
		r := &db.Records[i]
		if !r.Matches(observed) {
			continue
		}
		if len(out) == MatchLimit {
			return nil, fmt.Errorf("%w: %q would be match %d of at most %d", ErrTooManyMatches, r.Name, MatchLimit+1, MatchLimit)
		}
		out = append(out, r)
	}
	return out, nil
}

// Matches reports whether the observed fingerprint passes every test of
// the record. A test the observed fingerprint lacks is skipped; within a
// test, a reference attribute the observed test lacks is skipped; every
// other attribute must satisfy its expression. So an observed T4(Resp=N)
// passes a reference T4(DF=N%W=0%...), which has no Resp: the Phrack 54
// design lets a missing answer match unless the record says Resp=Y.
func (r *Record) Matches(observed *Fingerprint) bool {
	for i := range r.Tests {
		ref := &r.Tests[i]
		obs := observed.Test(ref.Name)
		if obs == nil {
			continue
		}
		for _, a := range ref.Attrs {
			v, ok := obs.Value(a.Name)
			if ok && !a.Expr.Match(v) {
				return false
			}
		}
	}
	return true
}

package rulelab

import (
	"fmt"
	"strconv"
	"strings"
)

// numOp is a numeric comparison as the header keywords write it:
// "5", "!5", "<5", ">5", "<=5", ">=5", "3-5" (inclusive, ttl's form)
// and "3<>5" (exclusive, itype's and icode's form).
type numOp struct {
	op     string // "=", "!", "<", ">", "<=", ">=", "-", "<>"
	lo, hi uint64
}

func (n numOp) match(v uint64) bool {
	switch n.op {
	case "!":
		return v != n.lo
	case "<":
		return v < n.lo
	case ">":
		return v > n.lo
	case "<=":
		return v <= n.lo
	case ">=":
		return v >= n.lo
	case "-":
		return v >= n.lo && v <= n.hi
	case "<>":
		return v > n.lo && v < n.hi
	}
	return v == n.lo
}

func (n numOp) String() string {
	switch n.op {
	case "=":
		return strconv.FormatUint(n.lo, 10)
	case "!":
		return "not " + strconv.FormatUint(n.lo, 10)
	case "-":
		return fmt.Sprintf("%d to %d", n.lo, n.hi)
	case "<>":
		return fmt.Sprintf("between %d and %d (exclusive)", n.lo, n.hi)
	}
	return n.op + " " + strconv.FormatUint(n.lo, 10)
}

// single says whether n matches exactly one value, and which.
func (n numOp) single() (uint64, bool) { return n.lo, n.op == "=" }

// parseNum reads one unsigned number, decimal or 0x hex, at most max.
func parseNum(s string, max uint64) (uint64, error) {
	s = strings.TrimSpace(s)
	base := 10
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s, base = s[2:], 16
	}
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil || v > max {
		return 0, fmt.Errorf("want a number from 0 to %d", max)
	}
	return v, nil
}

// parseNumOp reads a numOp whose operands are at most max; ops lists
// the operators the keyword allows beyond "=".
func parseNumOp(v string, max uint64, ops ...string) (numOp, error) {
	s := strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	allowed := func(op string) bool {
		for _, o := range ops {
			if o == op {
				return true
			}
		}
		return false
	}
	for _, op := range []string{"<>", "-"} {
		if a, b, ok := strings.Cut(s, op); ok && a != "" && allowed(op) {
			lo, err := parseNum(a, max)
			if err != nil {
				return numOp{}, err
			}
			hi, err := parseNum(b, max)
			if err != nil {
				return numOp{}, err
			}
			if lo > hi {
				return numOp{}, fmt.Errorf("range %s runs backwards", v)
			}
			return numOp{op: op, lo: lo, hi: hi}, nil
		}
	}
	n := numOp{op: "="}
	for _, op := range []string{"<=", ">=", "<", ">", "!", "="} {
		if strings.HasPrefix(s, op) {
			if op != "=" && !allowed(op) {
				return numOp{}, fmt.Errorf("operator %s not allowed here", op)
			}
			n.op, s = op, s[len(op):]
			break
		}
	}
	var err error
	n.lo, err = parseNum(s, max)
	return n, err
}

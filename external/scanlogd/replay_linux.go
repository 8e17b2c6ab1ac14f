package scanlogd

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/external"
	"github.com/siglab/siglab/netns"
)

// replayRole names Replay's namespace: "siglab-<pid>-<n>-scanlogd".
const replayRole = "scanlogd"

// Replay shows c to a real scanlogd offline (root only): it builds a
// namespace of its own (netns.BuildReplay) whose kernel owns the target
// addresses, starts scanlogd there, writes into the namespace's TUN the
// capture's TCP packets to those targets (fragments included, which the
// kernel reassembles before scanlogd's raw socket sees them, as live),
// at the capture's pace, then stops scanlogd and removes the namespace.
// The packets reach that kernel and nothing else: the namespace has no
// other link, and the kernel's answers go back into the TUN, where they
// are dropped.
//
// Timing: each packet is written at its offset from the capture's first
// such packet, except that a gap longer than LogDelay+1 s is shortened to
// that: after such a gap every entry of scanlogd's table is older than
// Delay and its flood guard has reset, so nothing it decides depends on
// how much longer the gap was. The TTL and TOS scanlogd logs are the
// captured ones (live, the target's kernel sees TTLs one lower than a
// capture at the sensor), and the time it logs is the replay's.
func Replay(ctx context.Context, c *capture.Capture, targets []netip.Addr) (log []byte, recs []external.Record, err error) {
	if len(targets) == 0 {
		return nil, nil, ErrNoTarget
	}
	pkts := Delivered(c, targets)
	lab, err := netns.BuildReplay(replayRole, targets)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrFailed, err)
	}
	defer func() {
		if cerr := lab.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("%w: remove the replay namespace: %w", ErrFailed, cerr))
		}
	}()
	ns, _ := lab.HostNS(replayRole)
	d, err := Start(ns)
	if err != nil {
		return nil, nil, err
	}
	tun := lab.TUN()
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the kernel's answers: read and dropped
		defer wg.Done()
		discard(tun, &stop)
	}()
	werr := inject(ctx, tun, pkts)
	log, recs, serr := d.Stop()
	stop.Store(true)
	wg.Wait()
	if werr != nil {
		return log, recs, werr
	}
	return log, recs, serr
}

// gapCap is the longest gap Replay keeps (see Replay).
const gapCap = LogDelay + time.Second

// inject writes pkts into the TUN at their pace (see Replay).
func inject(ctx context.Context, tun *os.File, pkts []Packet) error {
	if len(pkts) == 0 {
		return nil
	}
	start, offset := time.Now(), time.Duration(0)
	for i, p := range pkts {
		if i > 0 {
			offset += min(max(p.Time.Sub(pkts[i-1].Time), 0), gapCap)
		}
		if wait := time.Until(start.Add(offset)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		if _, err := tun.Write(p.Data); err != nil {
			return fmt.Errorf("%w: write packet %d to the replay TUN: %w", ErrFailed, i+1, err)
		}
	}
	return nil
}

// discard reads the TUN until stop is set, dropping what the kernel
// sends (its RSTs and SYN/ACKs to the replayed probes).
func discard(tun *os.File, stop *atomic.Bool) {
	buf := make([]byte, 65536)
	for !stop.Load() {
		_ = tun.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := tun.Read(buf); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return
		}
	}
}

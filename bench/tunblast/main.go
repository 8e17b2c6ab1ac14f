package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/siglab/siglab/capture"
	"github.com/siglab/siglab/generator/engine"
	"github.com/siglab/siglab/netns"
	"github.com/siglab/siglab/scenarios"
	"github.com/siglab/siglab/sensor"
	"github.com/siglab/siglab/verifier"
	"github.com/siglab/siglab/wire"
)

// errUsage is wrapped by every command-line error, so main exits 2 on it.
var errUsage = errors.New("usage")

// quiet is how long the reader waits for one more answer before the
// run is over.
const quiet = 500 * time.Millisecond

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() { <-sig; _ = netns.CloseAll(); os.Exit(130) }()
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tunblast:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type config struct {
	scenario, host, out string
	ports, window       int
	capture             bool
}

func parse(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("tunblast", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.scenario, "scenario", "bench/fullrange.yaml", "scenario whose network to build")
	fs.StringVar(&c.host, "host", "victim", "the scenario host to send to")
	fs.IntVar(&c.ports, "ports", 65535, "SYNs to send: ports 1 to N")
	fs.StringVar(&c.out, "o", "", "write the sensor's capture to this pcap")
	fs.BoolVar(&c.capture, "sensor", true, "capture with the sensor, as a scan does")
	fs.IntVar(&c.window, "window", 0, "at most this many SYNs unanswered at a time (0: no limit)")
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("%w: %w", errUsage, err)
	}
	if c.ports < 1 || c.ports > 65535 {
		return c, fmt.Errorf("%w: -ports %d is outside 1-65535", errUsage, c.ports)
	}
	if c.window < 0 {
		return c, fmt.Errorf("%w: -window %d is negative", errUsage, c.window)
	}
	if c.out != "" && !c.capture {
		return c, fmt.Errorf("%w: -o needs the sensor", errUsage)
	}
	return c, nil
}

// result is what one run measured.
type result struct {
	written, replies int
	write            time.Duration
	dropped          uint64
}

func (r result) String() string {
	return fmt.Sprintf("written=%d write_s=%.6f write_pps=%.0f replies=%d dropped=%d",
		r.written, r.write.Seconds(), float64(r.written)/r.write.Seconds(), r.replies, r.dropped)
}

func run(args []string, stdout, stderr io.Writer) error {
	c, err := parse(args, stderr)
	if err != nil {
		return err
	}
	s, err := scenarios.LoadFile(c.scenario)
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	spec := verifier.LabSpec(s)
	var dst netip.Addr
	for _, h := range spec.Hosts {
		if h.Name == c.host {
			dst = h.Addr
		}
	}
	if !dst.IsValid() {
		return fmt.Errorf("%w: -host %q: no such host in %s", errUsage, c.host, c.scenario)
	}
	lab, err := netns.Build(spec)
	if err != nil {
		return err
	}
	defer lab.Close()
	pkts, err := syns(lab.Scanner(), dst, c.ports)
	if err != nil {
		return err
	}
	var sn *sensor.Sensor
	if c.capture {
		if sn, err = sensor.Start(lab.SensorNS(), lab.SensorIface()); err != nil {
			return err
		}
	}
	r, err := blast(lab.TUN(), pkts, c.window)
	if sn != nil {
		capt, serr := sn.Stop()
		if err = errors.Join(err, serr); err == nil {
			r.dropped = capt.Dropped
			err = write(c.out, capt)
		}
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, r)
	return err
}

// syns builds one SYN per port 1..n from the scanner to dst, as nmap
// 2.02 -sS sends them (no options, one source port), each checked by the
// containment guard.
func syns(src, dst netip.Addr, n int) ([][]byte, error) {
	g, err := engine.NewGuard(netip.PrefixFrom(dst, 32))
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, n)
	for port := 1; port <= n; port++ {
		p := wire.AppendTCP(nil, &wire.IPHeader{ID: uint16(port), TTL: 64, Src: src, Dst: dst},
			&wire.TCPSegment{SPort: 40000, DPort: uint16(port), Seq: 0x5eed, Flags: wire.FlagSYN, Window: 1024})
		if err := g.CheckPacket(p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// blast writes every packet to the TUN as fast as one writer can while
// another goroutine reads the answers, until they stop coming. With a
// window, the writer waits while that many SYNs are unanswered, as a
// scanner pacing itself by its answers (nmap 2.02 keeps at most 150).
func blast(tun *os.File, pkts [][]byte, window int) (result, error) {
	var replies atomic.Int64
	var slots chan struct{} // one token per unanswered SYN
	if window > 0 {
		slots = make(chan struct{}, window)
	}
	done := make(chan error, 1)
	go func() { done <- drain(tun, &replies, len(pkts), slots) }()
	start := time.Now()
	for _, p := range pkts {
		if slots != nil {
			select {
			case slots <- struct{}{}:
			case err := <-done: // the answers stopped: a lost one would stall us
				return result{}, fmt.Errorf("window of %d: answers stopped after %d: %v", window, replies.Load(), err)
			}
		}
		if _, err := tun.Write(p); err != nil {
			return result{}, fmt.Errorf("tun write: %w", err)
		}
	}
	r := result{written: len(pkts), write: time.Since(start)}
	err := <-done
	r.replies = int(replies.Load())
	return r, err
}

// drain reads answers until want have come or none came for quiet; each
// frees a window slot, if there is a window.
func drain(tun *os.File, n *atomic.Int64, want int, slots chan struct{}) error {
	buf := make([]byte, 65536)
	for n.Load() < int64(want) {
		if err := tun.SetReadDeadline(time.Now().Add(quiet)); err != nil {
			return err
		}
		k, err := tun.Read(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("tun read: %w", err)
		}
		if k > 0 && buf[0]>>4 == 4 {
			n.Add(1)
			if slots != nil {
				<-slots
			}
		}
	}
	return nil
}

// write saves the capture as a pcap, when asked.
func write(path string, c *capture.Capture) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := c.WritePcap(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

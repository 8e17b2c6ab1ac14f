package netns

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/siglab/siglab/netns/nsthread"
)

// nsJob is one namespace of Build's first phase: what to set in it, and
// what came of it.
type nsJob struct {
	role      string
	settings  []sysctl // before lo comes up
	settings6 []sysctl // with settings, when the namespace has IPv6
	// then runs last, in the prepared namespace: a router's MLD rules,
	// a kernel host's firewall.
	then func(ns nsthread.Handle, v6 bool) error

	name string
	ns   nsthread.Handle
	made bool // ns exists and is pinned: Close must remove it
	v6   bool
	err  error
}

// namespaces makes the lab's namespaces, scan, sens and one per kernel
// host, side by side, each from its own goroutine (and so its own
// thread): the namespace, its sysctls (IPv6's too when the kernel has
// IPv6), lo, and a router's MLD rules or a kernel host's firewall.
// Making a network namespace runs every pernet init of the kernel, about
// 3 ms here, and one namespace's does not wait for another's; made one
// after another they were half of Build, which every live scenario and
// `lab up` pays (#17). The links between them come after, in build.
//
// Every namespace made is recorded in l in the fixed order scan, sens,
// hosts, whichever finished first, so that Close removes them also when
// another failed; l.v6 is the scan namespace's answer.
func (l *Lab) namespaces(p plan) error {
	jobs := []*nsJob{
		{role: "scan", settings: append([]sysctl{forwarding}, quiet...),
			settings6: append(slices.Clone(quiet6), forwarding6), then: l.routerMLD("scan")},
		{role: "sens", settings: append(append([]sysctl{forwarding}, quiet...), proxyARP),
			settings6: append(slices.Clone(quiet6), forwarding6), then: l.routerMLD("sens")},
	}
	hostJob := map[string]*nsJob{}
	for i, h := range p.hosts {
		if !h.Stack.IsKernel() {
			continue
		}
		role := "h" + strconv.Itoa(i)
		j := &nsJob{role: role, settings: append(slices.Clone(quiet), icmpUnlimited),
			settings6: append(slices.Clone(quiet6), icmp6Unlimited),
			then:      func(ns nsthread.Handle, _ bool) error { return l.firewall(ns, role, h) }}
		jobs = append(jobs, j)
		hostJob[h.Name] = j
	}
	l.runJobs(jobs)
	for _, j := range jobs {
		l.record(j)
	}
	for _, j := range jobs {
		if j.err != nil {
			return j.err
		}
	}
	l.scan, l.sens, l.v6 = jobs[0].ns, jobs[1].ns, jobs[0].v6
	for name, j := range hostJob {
		l.hosts[name] = j.ns
	}
	for _, j := range jobs[1:] {
		if j.v6 != l.v6 { // one kernel: cannot happen, but links would fail obscurely
			return fmt.Errorf("%s: IPv6 is %v there and %v in %s", j.name, j.v6, l.v6, jobs[0].name)
		}
	}
	return nil
}

// record remembers j's namespace for Close, if j made one.
func (l *Lab) record(j *nsJob) {
	if j.made {
		l.names = append(l.names, j.name)
		l.nsh = append(l.nsh, j.ns)
	}
}

// runJobs runs jobs, at most max(2, GOMAXPROCS) at a time: beyond the
// CPUs the kernel work only queues, and each job holds a thread it
// never returns (it entered a namespace).
func (l *Lab) runJobs(jobs []*nsJob) {
	sem := make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			j.run(l)
		}()
	}
	wg.Wait()
}

// run makes j's namespace and prepares it.
func (j *nsJob) run(l *Lab) {
	j.name = l.nsName(j.role)
	ns, err := newNamed(runDir, j.name)
	if err != nil {
		j.err = err
		return
	}
	j.ns, j.made = ns, true
	if j.v6, err = hasIPv6(ns); err != nil {
		j.err = fmt.Errorf("%s: %w", j.name, err)
		return
	}
	settings := j.settings
	if j.v6 {
		settings = append(slices.Clone(settings), j.settings6...)
	}
	if err := setSysctls(ns, settings...); err != nil {
		j.err = fmt.Errorf("%s: %w", j.name, err)
		return
	}
	h, err := openNL(ns, j.name)
	if err != nil {
		j.err = err
		return
	}
	err = h.up("lo")
	h.Close()
	if err == nil && j.then != nil {
		err = j.then(ns, j.v6)
	}
	j.err = err
}

// routerMLD is a router namespace's last step: with IPv6, no MLD
// reports leave it (quietMLD).
func (l *Lab) routerMLD(role string) func(nsthread.Handle, bool) error {
	return func(ns nsthread.Handle, v6 bool) error {
		if !v6 {
			return nil
		}
		return l.quietMLD(ns, role)
	}
}

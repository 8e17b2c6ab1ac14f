package main

// column is one measured metric shown in a table.
type column struct {
	metric, head string
	// exact columns count the runs whose value is 1 ("3/3") instead of
	// showing a median.
	exact bool
	// scale divides the median for display (rss_kb, KiB as /usr/bin/time
	// reports them, to decimal MB: the targets say MB).
	scale float64
}

// tool is one row: its key in the raw file and how the table names it;
// noRatio rows (a Go benchmark beside the commands) get no ratio.
type tool struct {
	id, name string
	noRatio  bool
}

// table is one comparison: the runs of several tools on one subject,
// with a ratio of ratioMetric per row. By default the ratio is the first
// tool's median over each other's (packets/s: above 1, siglab is
// faster); with base set, it is each tool's median over base's (times:
// above 1, the tool is slower than base), headed ratioHead.
type table struct {
	title, section, subject string
	tools                   []tool
	cols                    []column
	ratioMetric             string
	base, ratioHead         string
}

var (
	ppsCol  = column{metric: "pps", head: "packets/s"}
	wallCol = column{metric: "wall_ms", head: "wall ms"}
	rssCol  = column{metric: "rss_kb", head: "peak RSS MB", scale: kibPerMB}
	pktCol  = column{metric: "packets", head: "packets"}
	srcCol  = column{metric: "sources", head: "sources"}
)

// kibPerMB converts /usr/bin/time's KiB to decimal megabytes.
const kibPerMB = 1e6 / 1024

var detectTools = []tool{{id: "siglab", name: "siglab detect"}, {id: "p0f", name: "p0f -r"}, {id: "tcpdump", name: "tcpdump -n -S -r"}}

// tables is the report's layout, in the order; scripts/bench.sh
// writes the sections, subjects, tools and metrics named here.
var tables = []table{
	{
		title: "Live full-range SYN scan (ports 1-65535, one kernel host, 7 open)", section: "live", subject: "fullrange",
		tools:       []tool{{id: "siglab", name: "siglab scan (nmap 2.02 -sS -P0)"}, {id: "masscan", name: "masscan --rate 10000000"}, {id: "nmap7", name: "nmap 7.93 -sS -T5"}},
		cols:        []column{ppsCol, wallCol, {metric: "probes", head: "probes"}, {metric: "exact", head: "found exactly the open ports", exact: true}},
		ratioMetric: "pps",
	},
	{
		title: "Start-up (a process that does next to nothing, against a hello-world Go binary built in the same run)", section: "startup", subject: "cli",
		tools: []tool{{id: "help", name: "siglab --help"}, {id: "scenarios", name: "siglab scenarios"},
			{id: "detect", name: "siglab detect (a one-packet capture)"},
			{id: "floor", name: "floor: siglab's packages linked, main exits at once"},
			{id: "floor-noplot", name: "floor without the picture and report packages (gonum/plot, chromedp)"},
			{id: "hello", name: "hello-world Go binary"}},
		cols: []column{wallCol}, ratioMetric: "wall_ms", base: "hello", ratioHead: "÷ hello-world",
	},
	{
		// tcpdump copies the capture siglab wrote: the same packets.
		title: "Offline generation (nmap 2.02 -sS -P0 -O -p1-65535, to pcap) against tcpdump copying the same capture", section: "generate", subject: "fullrange",
		tools: []tool{{id: "siglab", name: "siglab generate (CLI, pcap written)"}, {id: "tcpdump", name: "tcpdump -r X -w Y"},
			{id: "engine", name: "engine only (Go BenchmarkGenerateFullRange, no pcap)", noRatio: true}},
		cols: []column{ppsCol, wallCol, pktCol}, ratioMetric: "pps",
	},
	{
		title: "Detection, offline full-range capture", section: "detect", subject: "fullrange",
		tools: detectTools, cols: []column{ppsCol, wallCol, rssCol, pktCol}, ratioMetric: "pps",
	},
	{
		title: "Detection, 10-million-packet capture", section: "detect", subject: "10m",
		tools: detectTools, cols: []column{ppsCol, wallCol, rssCol, pktCol}, ratioMetric: "pps",
	},
	{
		// bench/spoofcap's file: the memory target's subject.
		title: "Detection, 10 million packets from 1 million sources (SYNs, the sources taking turns)", section: "detect", subject: "spoofed1m",
		tools: detectTools, cols: []column{ppsCol, wallCol, rssCol, pktCol, srcCol}, ratioMetric: "pps",
	},
	{
		title: "Lab life cycle, 3 hosts (1 kernel, 2 personalities), up plus down", section: "lab", subject: "3hosts",
		tools: []tool{{id: "siglab", name: "siglab netns.Build + Close (BenchmarkLab3Hosts)"},
			{id: "cli", name: "siglab lab up --detach + lab down, the CLI (scripts/lab-cycle.sh)"},
			{id: "ip", name: "the same topology with ip commands (BenchmarkIPCommands3Hosts)"}},
		cols:        []column{{metric: "median_ms", head: "median ms"}, {metric: "up_ms", head: "up ms"}, {metric: "down_ms", head: "down ms"}},
		ratioMetric: "median_ms", base: "ip", ratioHead: "÷ ip",
	},
}

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

// tool is one row: its key in the raw file and how the table names it.
type tool struct{ id, name string }

// table is one comparison: the runs of several tools on one subject,
// with the ratio of the first tool's ratioMetric to each other's.
type table struct {
	title, section, subject string
	tools                   []tool
	cols                    []column
	ratioMetric             string
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

var detectTools = []tool{{"siglab", "siglab detect"}, {"p0f", "p0f -r"}, {"tcpdump", "tcpdump -n -S -r"}}

// tables is the report's layout, in the order; scripts/bench.sh
// writes the sections, subjects, tools and metrics named here.
var tables = []table{
	{
		title: "Live full-range SYN scan (ports 1-65535, one kernel host, 7 open)", section: "live", subject: "fullrange",
		tools:       []tool{{"siglab", "siglab scan (nmap 2.02 -sS -P0)"}, {"masscan", "masscan --rate 10000000"}, {"nmap7", "nmap 7.93 -sS -T5"}},
		cols:        []column{ppsCol, wallCol, {metric: "probes", head: "probes"}, {metric: "exact", head: "found exactly the open ports", exact: true}},
		ratioMetric: "pps",
	},
	{
		title: "Offline generation (nmap 2.02 -sS -P0 -O -p1-65535, to pcap)", section: "generate", subject: "fullrange",
		tools: []tool{{"siglab", "siglab generate (CLI, pcap written)"}, {"engine", "engine only (Go BenchmarkGenerateFullRange, no pcap)"}},
		cols:  []column{ppsCol, wallCol, pktCol},
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
		tools: []tool{{"siglab", "siglab netns.Build + Close (BenchmarkLab3Hosts)"}, {"ip", "the same topology with ip commands (BenchmarkIPCommands3Hosts)"}},
		cols:  []column{{metric: "median_ms", head: "median ms"}},
	},
}

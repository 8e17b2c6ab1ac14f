// Package rulelab evaluates Snort and Suricata rules natively, the rule
// lab of issue 14: Compile readies a rules.Set (the packet-level
// options of scan rules), Engine.Packet evaluates one IPv4 packet at a
// time, Results gives each rule's verdict, and Evaluate runs a whole
// capture with the why pass, which finds for every silent rule the
// packets that came nearest and the option they failed, with the value
// seen ("window: seen 3072, rule wants 2048").
//
// What it models, and whose behaviour it follows where engines differ:
//   - Header: ip rules see every packet; tcp, udp and icmp rules only
//     packets whose transport header is whole. Ports are read for TCP
//     and UDP only.
//   - Fragments (as Suricata): each fragment is an IP packet to the
//     rules (ip rules, header options); the transport header and the
//     payload options are read from the datagram rebuilt from them, on
//     which every rule is evaluated. Overlapping bytes: the first to
//     arrive wins (Snort frag3's "first" policy).
//   - flags and fragbits: Snort's modifiers (+ * !) and mask; dsize's
//     "<>" exclusive; content's offset and depth from the payload's
//     start, distance and within from the previous match's end (the
//     window ends within bytes after it, as Suricata and Snort 3 count).
//   - flow (as Suricata): a flow's first packet comes from its client,
//     except a SYN/ACK; TCP is established from the ACK that completes
//     the handshake until a RST, UDP and ICMP once both sides spoke.
//   - threshold and detection_filter as Snort 2.9's manual gives them,
//     per track key, in windows that open at a key's first match.
//   - Actions are not applied: a pass or drop rule is evaluated and
//     reported like an alert rule.
//
// Speed: rules are grouped by IP protocol, TCP rules by the flag bytes
// their flags accept (a 256-entry table) and TCP and UDP rules with up
// to 64 destination ports by port, so a packet meets only the rules
// that can match it. The hot path allocates nothing but alerts.
//
// Ownership: an Engine holds its rules' state for one capture at a time
// (Reset starts again) and is not safe for concurrent use; the Set it
// was compiled from must not change while it runs. Packet does not keep
// the caller's bytes; Results and Reports belong to the caller.
package rulelab

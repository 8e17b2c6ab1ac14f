// Package simnet is the offline network: a generator.Link whose targets
// are simulated in user space and whose clock is virtual, so an offline
// run is deterministic for a seed, needs no privileges and takes no
// wall-clock time to wait.
//
// A Network owns its hosts, its event queue and its clock. The engine that
// drives it is its only user and calls it from one goroutine. The Tap
// callback sees every packet that crosses the simulated wire, in both
// directions, with its virtual time: it plays the sensor.
package simnet

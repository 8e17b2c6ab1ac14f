package netns

import (
	"time"

	"golang.org/x/sys/unix"
)

// waitExit waits until process pid exits or d passes, whichever comes
// first. Down used to sleep its whole poll interval; a lab's process
// removes its state file last and then exits, so waking at its exit
// saves `lab down` up to one interval (about 10 ms on average). Without
// a pidfd (a kernel before 5.3, or a pid gone already) it sleeps d.
func waitExit(pid int, d time.Duration) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		time.Sleep(d)
		return
	}
	defer unix.Close(fd)
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, int(d.Milliseconds()))
		if err != unix.EINTR {
			return
		}
	}
}

package netns

import (
	"time"

	"golang.org/x/sys/unix"
)

// waitExit waits until process pid exits, or a file leaves dir (the
// lab's state file, which its process removes last), or d passes,
// whichever comes first. Down used to sleep its whole poll interval;
// waking at the state file's removal saves `lab down` that interval
// (about 10 ms on average, measured) and the process's exit after it
// (about 4 ms here). Whatever cannot be watched (no pidfd before Linux
// 5.3, no inotify) is simply waited out by d.
func waitExit(pid int, dir string, d time.Duration) {
	var fds []unix.PollFd
	if fd, err := unix.PidfdOpen(pid, 0); err == nil {
		defer unix.Close(fd)
		fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
	}
	if fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK); err == nil {
		defer unix.Close(fd)
		if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_DELETE|unix.IN_MOVED_FROM); err == nil {
			fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
		}
	}
	if len(fds) == 0 {
		time.Sleep(d)
		return
	}
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		if _, err := unix.Poll(fds, int(left.Milliseconds())+1); err != unix.EINTR {
			return
		}
	}
}

/*
 * freeze_thread - stops one thread of another process and holds it while
 * the process's other threads run on: how the integration tests freeze
 * radiod's control thread (its main thread, tid == pid) with JACK's
 * real-time thread still playing, without a hook in the daemon.
 *
 *   freeze_thread -t SECONDS TID
 *
 * SIGSTOP would stop every thread of the process; ptrace stops one.  The
 * thread is attached with PTRACE_SEIZE and stopped with PTRACE_INTERRUPT;
 * it is released with PTRACE_DETACH at SIGTERM or SIGINT, when a line
 * arrives on stdin (end of file only stops the reading), or after SECONDS
 * at the latest - the hard bound, so a test that forgets it leaves nothing
 * frozen.  Should freeze_thread itself be killed, the kernel detaches and
 * the thread runs on.  A signal the thread was about to take when it
 * stopped is handed back to it at the release.
 *
 * Output, one line per event, flushed at once, stamped with
 * CLOCK_MONOTONIC as tests/notify_listen stamps its lines, so a test can
 * lay the two side by side:
 *
 *   12.345678 stopped tid=4242 asked=12.345601
 *   14.351234 released tid=4242 held=2.005556
 *
 * "asked" is when PTRACE_INTERRUPT was sent, "stopped" when the stop was
 * seen (waitpid), "released" just before PTRACE_DETACH: the thread may
 * have run until "stopped", and is stopped from then until "released".
 * "held" is the time between the two, in seconds.
 *
 * Exit: 0 released; 1 error (the thread went away, it did not stop within
 * SECONDS); 2 usage; 77 ptrace is not permitted here (Yama's ptrace_scope,
 * a missing CAP_SYS_PTRACE, a seccomp filter), with the reason on stderr.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* automake's exit status for a test that cannot run here */
#define EXIT_NOT_PERMITTED 77
/* How often the stop is looked for while waiting on it. */
#define STOP_POLL_MS 1

static void usage(void)
{
	fprintf(stderr, "usage: freeze_thread -t SECONDS TID\n");
	exit(2);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int ms_until(double deadline)
{
	double left = deadline - mono_s();

	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/*
 * Waits until tid is stopped, or the deadline or a stop signal (on sfd)
 * comes first.  Returns 1 with *sig set to the signal to hand back at the
 * release (0 for none), 0 when it did not stop, -1 when it went away, with
 * the reason on stderr.
 */
static int wait_stop(pid_t tid, int sfd, double deadline, int *sig)
{
	struct pollfd p = {sfd, POLLIN, 0};

	for (;;) {
		int st;
		pid_t r = waitpid(tid, &st, __WALL | WNOHANG);

		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "freeze_thread: waitpid %d: %s\n", (int)tid, strerror(errno));
			return -1;
		}
		if (r == tid) {
			if (WIFEXITED(st) || WIFSIGNALED(st)) {
				fprintf(stderr, "freeze_thread: thread %d ended before it stopped\n",
					(int)tid);
				return -1;
			}
			/* A signal-delivery stop (no event in the high bits) is a
			 * stop too; its signal is the thread's, not ours. */
			if (WIFSTOPPED(st)) {
				*sig = (st >> 16) == 0 ? WSTOPSIG(st) : 0;
				return 1;
			}
		}
		if (ms_until(deadline) == 0) {
			fprintf(stderr, "freeze_thread: thread %d did not stop within the bound "
				"(-t)\n", (int)tid);
			return 0;
		}
		if (poll(&p, 1, STOP_POLL_MS) > 0) {
			fprintf(stderr, "freeze_thread: told to stop before thread %d stopped\n",
				(int)tid);
			return 0;
		}
	}
}

/* Holds until the deadline, a stop signal (on sfd) or a line on stdin. */
static void hold(int sfd, double deadline)
{
	struct pollfd p[2] = {{sfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};

	for (;;) {
		int ms = ms_until(deadline);
		char buf[256];
		ssize_t n;

		if (ms == 0)
			return;
		if (poll(p, 2, ms) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents)
			return;
		if (!p[1].revents)
			continue;
		n = read(STDIN_FILENO, buf, sizeof buf);
		if (n > 0 && memchr(buf, '\n', (size_t)n))
			return;
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			/* End of file (a background job's /dev/null): no
			 * release from there; the signal or the bound will. */
			p[1].fd = -1;
		}
	}
}

int main(int argc, char **argv)
{
	double seconds = 0, deadline, asked, stopped, released;
	long tid_l;
	pid_t tid;
	sigset_t stop;
	char *end;
	int c, sfd, sig = 0, r;

	while ((c = getopt(argc, argv, "t:")) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(seconds > 0 && seconds <= 3600)) {
				fprintf(stderr, "freeze_thread: -t: '%s' is not 0 < seconds <= 3600\n",
					optarg);
				return 2;
			}
			break;
		default:
			usage();
		}
	}
	if (seconds == 0 || optind != argc - 1)
		usage();
	errno = 0;
	tid_l = strtol(argv[optind], &end, 10);
	if (errno || end == argv[optind] || *end || tid_l <= 0 || tid_l > INT32_MAX) {
		fprintf(stderr, "freeze_thread: TID: '%s' is not a thread id (a positive "
			"integer)\n", argv[optind]);
		return 2;
	}
	tid = (pid_t)tid_l;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	sfd = signalfd(-1, &stop, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "freeze_thread: signalfd: %s\n", strerror(errno));
		return 1;
	}
	deadline = mono_s() + seconds;

	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) < 0) {
		int e = errno;

		fprintf(stderr, "freeze_thread: ptrace(PTRACE_SEIZE, %d): %s\n", (int)tid,
			strerror(e));
		return e == EPERM ? EXIT_NOT_PERMITTED : 1;
	}
	asked = mono_s();
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) < 0) {
		fprintf(stderr, "freeze_thread: ptrace(PTRACE_INTERRUPT, %d): %s\n", (int)tid,
			strerror(errno));
		return 1;
	}
	/* Detaching a thread that is not stopped fails; ending the tracer
	 * detaches it all the same, so every failure below just returns. */
	r = wait_stop(tid, sfd, deadline, &sig);
	if (r <= 0)
		return 1;
	stopped = mono_s();
	printf("%.6f stopped tid=%d asked=%.6f\n", stopped, (int)tid, asked);
	fflush(stdout);

	hold(sfd, deadline);

	/* Stamped before the thread can run: it may act at once. */
	released = mono_s();
	if (ptrace(PTRACE_DETACH, tid, NULL, (void *)(long)sig) < 0) {
		fprintf(stderr, "freeze_thread: ptrace(PTRACE_DETACH, %d): %s\n", (int)tid,
			strerror(errno));
		return 1;
	}
	printf("%.6f released tid=%d held=%.6f\n", released, (int)tid, released - stopped);
	fflush(stdout);
	return 0;
}

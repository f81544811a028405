/*
 * notify_listen - a stand-in for systemd's notification socket: binds an
 * AF_UNIX datagram socket at PATH (what NOTIFY_SOCKET names) and prints
 * every notification it receives, so the integration tests can see what
 * radiod tells the service manager.
 *
 *   notify_listen -t SECONDS PATH
 *
 * A datagram holds one or more newline-separated assignments; each is
 * printed on a line of its own, flushed at once:
 *
 *   MONOTONIC_SECONDS pid=SENDER_PID ASSIGNMENT
 *   12.345678 pid=4242 WATCHDOG=1
 *
 * The time is CLOCK_MONOTONIC when the datagram was read; the sender's pid
 * comes from SCM_CREDENTIALS (the kernel's word, as systemd checks it for
 * NotifyAccess=main), 0 when the kernel gave none.
 * Ends after SECONDS (bounded, so a test that forgets it leaves nothing
 * behind) or at SIGTERM/SIGINT, and removes PATH.  Exit: 0, 1 error, 2 usage.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* systemd accepts notifications up to this size. */
#define MAX_DATAGRAM 4096

static void usage(void)
{
	fprintf(stderr, "usage: notify_listen -t SECONDS PATH\n");
	exit(2);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int bind_socket(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int one = 1;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "notify_listen: %s: longer than a Unix socket path (%zu bytes)\n",
			path, sizeof sa.sun_path - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fprintf(stderr, "notify_listen: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Reads one datagram and prints its assignments. */
static void print_datagram(int fd)
{
	char buf[MAX_DATAGRAM + 1];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = {buf, MAX_DATAGRAM};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof control.buf,
	};
	struct cmsghdr *c;
	pid_t pid = 0;
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	double t = mono_s();

	if (n < 0)
		return;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof cred);
			pid = cred.pid;
		}
	}
	buf[n] = '\0';
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line)
			printf("%.6f pid=%d %s\n", t, (int)pid, line);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	double seconds = 0, deadline;
	const char *path;
	struct pollfd p[2];
	sigset_t stop;
	char *end;
	int c;

	while ((c = getopt(argc, argv, "t:")) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(seconds > 0 && seconds <= 3600)) {
				fprintf(stderr, "notify_listen: -t: '%s' is not 0 < seconds <= 3600\n",
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
	path = argv[optind];

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	p[0].fd = signalfd(-1, &stop, SFD_CLOEXEC);
	p[0].events = POLLIN;
	p[1].fd = bind_socket(path);
	p[1].events = POLLIN;
	if (p[0].fd < 0 || p[1].fd < 0)
		return 1;
	deadline = mono_s() + seconds;
	for (;;) {
		double left = deadline - mono_s();

		if (left <= 0)
			break;
		if (poll(p, 2, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents)
			print_datagram(p[1].fd);
	}
	unlink(path);
	return 0;
}

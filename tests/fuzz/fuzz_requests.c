/*
 * fuzz_requests - libFuzzer target: everything a peer of the control socket
 * can reach.  The input is the byte stream one client sends (any number of
 * frames, cut anywhere); it goes through the real control server
 * (daemon/control.c: the frame reader of daemon/frame.c, radio.Request
 * decoding, MALFORMED handling, output limits, subscriptions) into the real
 * request handler (daemon/requests.c, daemon/transfer.c, daemon/access.c)
 * and a real engine that was never attached to JACK (ENGINE_DISCONNECTED:
 * the state radiod is in while it waits for the server).  Nothing is
 * stubbed.  Not reached: the preset requests (no persist store: they get
 * UNAVAILABLE) and ReloadConfig (no hook: INVALID_ARGUMENT).
 *
 * The engine, handler, event loop and server are made once (making the
 * engine's histograms for every input cost 90 % of the time) and freed at
 * exit; each input is one connection, whose peer, frame reader, stream and
 * capture the server frees when it closes, so a leak per input still shows.
 * Settings an input changes (EQ, volume) carry over to the next input, as
 * they would between two clients of radiod.  The client writes the input,
 * shuts down its side and reads until radiod closes; a server that never
 * closes within LOOP_PASSES_MAX passes of the loop is a finding (abort).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/engine.h"
#include "daemon/frame.h"
#include "daemon/log.h"
#include "daemon/requests.h"

/* Room for one frame of the largest legal size and a bit of the next. */
#define INPUT_MAX (FRAME_HEADER_SIZE + FRAME_MAX_PAYLOAD + 1024)
#define LOOP_PASSES_MAX 200000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness's process state (a libFuzzer target has no main to own it). */
static struct fixture {
	char dir[64];
	char path[96];
	struct log lg;
	struct event_base *base;
	struct engine *e;
	struct requests *rq;
	struct control *ctl;
} fx;

static void fixture_free(void)
{
	control_destroy(fx.ctl);
	requests_destroy(fx.rq);
	engine_destroy(fx.e);
	if (fx.base)
		event_base_free(fx.base);
	if (fx.lg.fd >= 0)
		close(fx.lg.fd);
	unlink(fx.path);
	rmdir(fx.dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct control_limits limits;
	struct control_handler handler;
	struct config cfg;
	const char *err = NULL;
	char msg[256];
	int lfd;

	(void)argc;
	(void)argv;
	snprintf(fx.dir, sizeof fx.dir, "/tmp/radiod-fuzz-requests-XXXXXX");
	if (!mkdtemp(fx.dir)) {
		perror("fuzz_requests: mkdtemp");
		abort();
	}
	snprintf(fx.path, sizeof fx.path, "%s/control.sock", fx.dir);
	fx.lg = (struct log){.threshold = LOG_LEVEL_ERROR, .ident = "radiod"};
	fx.lg.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	atexit(fixture_free);

	config_defaults(&cfg);
	fx.base = event_base_new();
	fx.e = engine_create(&cfg, &fx.lg, &err);
	fx.rq = fx.e ? requests_create(fx.e, &err) : NULL;
	if (!fx.base || !fx.rq) {
		fprintf(stderr, "fuzz_requests: setup: %s\n", err ? err : "event_base_new");
		abort();
	}
	limits.max_clients = cfg.max_clients;
	limits.idle_timeout_s = cfg.idle_timeout_s;
	limits.out_limit = (size_t)cfg.client_buffer_kib * 1024;
	handler.request = requests_handle;
	handler.event = requests_event;
	handler.closed = requests_peer_closed;
	handler.arg = fx.rq;
	lfd = control_socket_open(fx.path, CONTROL_SOCKET_MODE, (gid_t)-1, msg, sizeof msg);
	fx.ctl = lfd >= 0 ? control_create(fx.base, lfd, fx.path, &limits, &handler, &fx.lg, &err)
			  : NULL;
	if (!fx.ctl) {
		fprintf(stderr, "fuzz_requests: setup: %s\n", lfd < 0 ? msg : err);
		abort();
	}
	requests_set_control(fx.rq, fx.ctl);
	return 0;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* A Unix socket's connect completes at once while the backlog has room. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Feeds data to the server and reads what it sends until it closes. */
static void converse(struct event_base *base, int fd, const uint8_t *data, size_t size)
{
	uint8_t sink[65536];
	size_t sent = 0;
	bool shut = false;

	for (long pass = 0; pass < LOOP_PASSES_MAX; pass++) {
		ssize_t n;

		if (sent < size) {
			n = send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				sent = size;	/* radiod closed on us: fine */
		}
		if (sent == size && !shut) {
			shutdown(fd, SHUT_WR);
			shut = true;
		}
		event_base_loop(base, EVLOOP_NONBLOCK);
		for (;;) {
			n = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				return;	/* closed: what every input must end in */
			if (n < 0)
				break;
		}
	}
	fprintf(stderr, "fuzz_requests: radiod neither closed nor answered the connection "
			"after %d loop passes\n", LOOP_PASSES_MAX);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct control_counters n;
	int fd;

	if (size > INPUT_MAX)
		return -1;	/* not added to the corpus */
	fd = connect_to(fx.path);
	if (fd < 0) {
		perror("fuzz_requests: connect");
		abort();
	}
	converse(fx.base, fd, data, size);
	close(fd);
	/* The server frees the peer from its loop, a pass after the close. */
	for (int i = 0; i < 100; i++) {
		event_base_loop(fx.base, EVLOOP_NONBLOCK);
		control_get_counters(fx.ctl, &n);
		if (n.clients == 0)
			return 0;
	}
	fprintf(stderr, "fuzz_requests: radiod still holds the closed client\n");
	abort();
}

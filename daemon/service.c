#include "daemon/service.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

struct service {
	struct event_base *base;
	struct engine *engine;
	const struct connector *connector;
	const struct log *log;
	struct event *watchdog;		/* NULL: systemd asked for no watchdog */
	struct event *status_timer;
	uint64_t watchdog_usec;		/* WATCHDOG_USEC */
	uint64_t wd_liveness;		/* at the previous watchdog tick */
	bool wd_running;		/* the engine was running at that tick */
	bool wd_stuck;			/* not fed: joining is stuck */
	uint64_t st_liveness;		/* at the previous stall check */
	bool st_running;		/* the engine was running at that check */
	double last_block_s;		/* monotonic: when liveness last moved */
	bool stalled;
	bool listening, ready, stopping;
	bool notify_failed;		/* warned once already */
	char status[256];		/* the STATUS= last sent */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------- socket activation */

int service_listen_fd(int *fd, char *path, size_t path_len, char *err, size_t err_len)
{
	struct sockaddr_un sa;
	socklen_t sa_len = sizeof sa;
	int n = sd_listen_fds(1);
	int r, flags;

	if (n < 0) {
		snprintf(err, err_len, "socket activation: LISTEN_FDS/LISTEN_PID: %s",
			 strerror(-n));
		return n;
	}
	if (n == 0)
		return 0;
	if (n != 1) {
		snprintf(err, err_len, "socket activation: %d sockets passed (LISTEN_FDS); radiod "
			 "takes exactly one, its control socket", n);
		return -EINVAL;
	}
	*fd = SD_LISTEN_FDS_START;
	r = sd_is_socket_unix(*fd, SOCK_STREAM, 1, NULL, 0);
	if (r <= 0) {
		snprintf(err, err_len, "socket activation: descriptor %d is not a listening Unix "
			 "stream socket%s%s", *fd, r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
		return r < 0 ? r : -ENOTSOCK;
	}
	/* libevent's listener accepts until EAGAIN: a blocking socket would
	 * hang the loop.  sd_listen_fds() already set close-on-exec. */
	flags = fcntl(*fd, F_GETFL);
	if (flags < 0 || fcntl(*fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		r = -errno;
		snprintf(err, err_len, "socket activation: descriptor %d: %s", *fd,
			 strerror(errno));
		return r;
	}
	memset(&sa, 0, sizeof sa);
	if (getsockname(*fd, (struct sockaddr *)&sa, &sa_len) < 0 ||
	    sa_len <= offsetof(struct sockaddr_un, sun_path)) {
		snprintf(path, path_len, "(unnamed socket, descriptor %d)", *fd);
	} else if (sa.sun_path[0] == '\0') {
		/* Abstract: a name without a file, shown as ss(8) does. */
		int len = (int)(sa_len - offsetof(struct sockaddr_un, sun_path)) - 1;

		snprintf(path, path_len, "@%.*s", len, sa.sun_path + 1);
	} else {
		snprintf(path, path_len, "%.*s", (int)sizeof sa.sun_path, sa.sun_path);
	}
	return 1;
}

/* ------------------------------------------------------ notification */

static void notify(struct service *s, const char *msg)
{
	int r = sd_notify(0, msg);

	if (r < 0 && !s->notify_failed) {
		s->notify_failed = true;
		log_warning(s->log, "cannot notify the service manager (NOTIFY_SOCKET=%s): %s",
			    getenv("NOTIFY_SOCKET") ? getenv("NOTIFY_SOCKET") : "", strerror(-r));
	}
}

static void format_status(struct service *s, char *buf, size_t len)
{
	struct engine_info info;
	unsigned long long xruns = (unsigned long long)engine_xruns(s->engine);

	engine_get_info(s->engine, &info);
	switch (info.state) {
	case ENGINE_STARTING:
		snprintf(buf, len, "starting: joining JACK server '%s'", info.server);
		break;
	case ENGINE_RUNNING:
		if (s->stalled)
			snprintf(buf, len, "stalled: no audio block from JACK server '%s' for %.0f s, "
				 "%llu xruns", info.server, now_s() - s->last_block_s, xruns);
		else
			snprintf(buf, len, "running: JACK server '%s', %u Hz, %u frames/period, "
				 "%u channels, %llu xruns", info.server, info.sample_rate,
				 info.period_frames, info.channels, xruns);
		break;
	case ENGINE_DISCONNECTED:
		snprintf(buf, len, "disconnected: JACK server '%s' is away, retrying; %llu xruns",
			 info.server, xruns);
		break;
	case ENGINE_STOPPING:
		snprintf(buf, len, "stopping");
		break;
	}
}

/* Sends STATUS= when it changed, with READY=1 when that is due now. */
static void update(struct service *s)
{
	char status[sizeof s->status];
	char msg[sizeof status + 32];
	bool ready_now = !s->ready && s->listening && !s->stopping &&
			 engine_state(s->engine) == ENGINE_RUNNING;

	format_status(s, status, sizeof status);
	if (!ready_now && strcmp(status, s->status) == 0)
		return;
	memcpy(s->status, status, sizeof status);
	snprintf(msg, sizeof msg, "%sSTATUS=%s", ready_now ? "READY=1\n" : "", status);
	notify(s, msg);
	if (ready_now) {
		s->ready = true;
		if (getenv("NOTIFY_SOCKET"))
			log_debug(s->log, "service manager told: READY=1 (%s)", status);
	}
}

/* ------------------------------------------------------------- timers */

/* The real-time thread's progress, for the log and STATUS=. */
static void check_stall(struct service *s)
{
	uint64_t live = engine_liveness(s->engine);
	bool running = engine_state(s->engine) == ENGINE_RUNNING;
	double now = now_s();

	/* Just joined: the clock starts now, not at the previous check. */
	if (live != s->st_liveness || !running || !s->st_running) {
		if (s->stalled && live != s->st_liveness)
			log_info(s->log, "JACK processes audio again after %.1f s",
				 now - s->last_block_s);
		s->st_liveness = live;
		s->st_running = running;
		s->last_block_s = now;
		s->stalled = false;
		return;
	}
	if (!s->stalled && (now - s->last_block_s) * 1000.0 >= SERVICE_STALL_MS) {
		s->stalled = true;
		log_warning(s->log, "JACK has processed no audio block for %.1f s (server stopped "
			    "or wedged?)%s", now - s->last_block_s,
			    s->watchdog ? "; the systemd watchdog is no longer fed" : "");
	}
}

static void on_status(evutil_socket_t fd, short what, void *arg)
{
	struct service *s = arg;

	(void)fd;
	(void)what;
	check_stall(s);
	update(s);
}

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	struct service *s = arg;
	uint64_t live = engine_liveness(s->engine);
	bool running = engine_state(s->engine) == ENGINE_RUNNING;
	double joining_s = connector_busy_s(s->connector);
	bool stuck = !running && joining_s >= CONNECTOR_STUCK_S;
	/* See service.h: a member of the graph proves its RT thread runs (a
	 * client joined since the previous tick may not have run a block
	 * yet); away from JACK, retrying is radiod's job, unless it is stuck. */
	bool feed = running ? !s->wd_running || live != s->wd_liveness : !stuck;

	(void)fd;
	(void)what;
	if (stuck && !s->wd_stuck)
		log_warning(s->log, "joining JACK has not ended after %.0f s: the systemd watchdog "
			    "is no longer fed", joining_s);
	s->wd_stuck = stuck;
	s->wd_liveness = live;
	s->wd_running = running;
	if (feed)
		notify(s, "WATCHDOG=1");
}

/* ---------------------------------------------------------- lifecycle */

struct service *service_create(struct event_base *base, struct engine *engine,
			       const struct connector *connector, const struct log *lg,
			       char *err, size_t err_len)
{
	struct timeval status_tv = {SERVICE_CHECK_MS / 1000,
				    (SERVICE_CHECK_MS % 1000) * 1000};
	struct service *s;
	uint64_t usec = 0;
	int r = sd_watchdog_enabled(0, &usec);

	if (r < 0) {
		snprintf(err, err_len, "WATCHDOG_USEC='%s' / WATCHDOG_PID='%s': %s",
			 getenv("WATCHDOG_USEC") ? getenv("WATCHDOG_USEC") : "",
			 getenv("WATCHDOG_PID") ? getenv("WATCHDOG_PID") : "", strerror(-r));
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, err_len, "service: out of memory");
		return NULL;
	}
	s->base = base;
	s->engine = engine;
	s->connector = connector;
	s->log = lg;
	s->last_block_s = now_s();
	s->st_liveness = s->wd_liveness = engine_liveness(engine);
	s->status_timer = event_new(base, -1, EV_PERSIST, on_status, s);
	if (!s->status_timer || event_add(s->status_timer, &status_tv) < 0)
		goto fail;
	if (r > 0) {
		/* Half the timeout, so one late tick is not yet a restart. */
		uint64_t half = usec / 2;
		struct timeval tv = {(time_t)(half / 1000000), (suseconds_t)(half % 1000000)};

		s->watchdog_usec = usec;
		s->watchdog = event_new(base, -1, EV_PERSIST, on_watchdog, s);
		if (!s->watchdog || event_add(s->watchdog, &tv) < 0)
			goto fail;
		log_info(lg, "systemd watchdog: WATCHDOG=1 every %.3f s while JACK's real-time "
			 "thread runs, or while JACK is away and radiod retries", half / 1e6);
	}
	return s;

fail:
	snprintf(err, err_len, "service: cannot set up its timers");
	service_destroy(s);
	return NULL;
}

void service_destroy(struct service *s)
{
	if (!s)
		return;
	if (s->watchdog)
		event_free(s->watchdog);
	if (s->status_timer)
		event_free(s->status_timer);
	free(s);
}

void service_listening(struct service *s)
{
	s->listening = true;
	update(s);
}

void service_engine_changed(struct service *s)
{
	check_stall(s);
	update(s);
}

void service_stopping(struct service *s)
{
	s->stopping = true;
	if (s->watchdog)
		event_del(s->watchdog);
	event_del(s->status_timer);
	memcpy(s->status, "stopping", sizeof "stopping");
	notify(s, "STOPPING=1\nSTATUS=stopping");
}

#include "daemon/connector.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jack/jack.h>

#include "daemon/config.h"
#include "daemon/engine.h"

/* One attempt.  The control thread fills the first part before the thread
 * starts; the thread fills the rest before it ends. */
struct attempt {
	jack_client_t *retired;	/* to close first, or NULL */
	bool open;		/* false: only close the retired client */
	char server[CONFIG_NAME_MAX];
	char name[CONFIG_NAME_MAX];
	int wake_fd;		/* the pipe's write end */

	jack_client_t *client;
	int r;
	char err[256];
};

struct connector {
	struct event_base *base;
	const struct log *log;
	connector_done_fn *done;
	void *arg;
	int pipe[2];
	struct event *ended;	/* the pipe is readable: the attempt ended */
	struct event *slow;	/* the attempt has been going CONNECTOR_SLOW_S */
	jack_client_t *retired;	/* dropped by the server, not closed yet */
	pthread_t thread;
	bool busy;
	bool warned;		/* the slow warning was logged for this attempt */
	struct timespec started;
	struct attempt at;
};

static double since_s(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void *attempt_thread(void *arg)
{
	struct attempt *at = arg;
	char one = 1;
	ssize_t w;

	if (at->retired) {
		jack_client_close(at->retired);
		at->retired = NULL;
	}
	at->r = 0;
	if (at->open)
		at->client = engine_open_client(at->server, at->name, at->err, sizeof at->err,
						&at->r);
	/* The pipe only wakes the loop; pthread_join publishes the fields. */
	do
		w = write(at->wake_fd, &one, 1);
	while (w < 0 && errno == EINTR);
	return NULL;
}

static int spawn(struct connector *c)
{
	struct timeval slow = {CONNECTOR_SLOW_S, 0};
	int r;

	c->at.wake_fd = c->pipe[1];
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	c->warned = false;
	/* A small stack: radiod locks its memory (mlockall), so the default
	 * 8 MiB would all be resident, and glibc keeps a joined thread's
	 * stack for the next thread. */
	pthread_attr_t attr;

	r = pthread_attr_init(&attr);
	if (r == 0) {
		r = pthread_attr_setstacksize(&attr, CONNECTOR_STACK_BYTES);
		if (r == 0)
			r = pthread_create(&c->thread, &attr, attempt_thread, &c->at);
		pthread_attr_destroy(&attr);
	}
	if (r != 0)
		return -r;
	c->busy = true;
	evtimer_add(c->slow, &slow);
	return 0;
}

/* The thread has written its byte: collect the result and report it. */
static void collect(struct connector *c)
{
	char buf[16];
	jack_client_t *client;
	double took;

	while (read(c->pipe[0], buf, sizeof buf) > 0)
		;
	pthread_join(c->thread, NULL);
	c->busy = false;
	evtimer_del(c->slow);
	took = since_s(&c->started);
	if (c->warned)
		log_info(c->log, "joining JACK server '%s' ended after %.1f s",
			 c->at.server[0] ? c->at.server : "default", took);
	else
		log_debug(c->log, "joining JACK took %.3f s", took);
	client = c->at.client;
	c->at.client = NULL;
	c->done(c->arg, client, c->at.r, c->at.err);
}

static void on_ended(evutil_socket_t fd, short what, void *arg)
{
	struct connector *c = arg;

	(void)fd;
	(void)what;
	if (c->busy)
		collect(c);
}

static void on_slow(evutil_socket_t fd, short what, void *arg)
{
	struct connector *c = arg;

	(void)fd;
	(void)what;
	c->warned = true;
	log_warning(c->log, "joining JACK server '%s' has not ended after %d s (is the server "
		    "stopped or wedged?); radiod serves its clients meanwhile",
		    c->at.server[0] ? c->at.server : "default", CONNECTOR_SLOW_S);
}

struct connector *connector_create(struct event_base *base, const struct log *lg,
				   connector_done_fn *done, void *arg, const char **err)
{
	struct connector *c = calloc(1, sizeof *c);

	if (!c) {
		*err = "connector: out of memory";
		return NULL;
	}
	c->base = base;
	c->log = lg;
	c->done = done;
	c->arg = arg;
	c->pipe[0] = c->pipe[1] = -1;
	if (pipe2(c->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		*err = "connector: cannot create a pipe";
		free(c);
		return NULL;
	}
	c->ended = event_new(base, c->pipe[0], EV_READ | EV_PERSIST, on_ended, c);
	c->slow = evtimer_new(base, on_slow, c);
	if (!c->ended || !c->slow || event_add(c->ended, NULL) < 0) {
		*err = "connector: cannot set up its events";
		connector_destroy(c, 0);
		return NULL;
	}
	return c;
}

int connector_start(struct connector *c, const char *server, const char *name)
{
	int r;

	if (c->busy)
		return -EBUSY;
	if (!server)
		server = "";
	if (strlen(server) >= sizeof c->at.server || strlen(name) >= sizeof c->at.name)
		return -ENAMETOOLONG;
	memset(&c->at, 0, sizeof c->at);
	memcpy(c->at.server, server, strlen(server) + 1);
	memcpy(c->at.name, name, strlen(name) + 1);
	c->at.open = true;
	c->at.retired = c->retired;
	r = spawn(c);
	if (r == 0)
		c->retired = NULL;
	return r;
}

double connector_busy_s(const struct connector *c)
{
	return c->busy ? since_s(&c->started) : -1.0;
}

void connector_retire(struct connector *c, jack_client_t *client)
{
	if (!client)
		return;
	/* One client at a time reaches here; a second would be a bug, and
	 * closing the first one now is what must not happen, so it stays. */
	if (c->retired)
		log_warning(c->log, "a dropped JACK client is left unclosed");
	c->retired = client;
}

bool connector_wait(struct connector *c, int timeout_ms)
{
	struct pollfd p = {.fd = c->pipe[0], .events = POLLIN};

	if (c->busy && poll(&p, 1, timeout_ms) == 1)
		collect(c);
	return !c->busy;
}

static bool join_within(pthread_t t, int timeout_ms)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += (long)timeout_ms * 1000000L;
	deadline.tv_sec += deadline.tv_nsec / 1000000000L;
	deadline.tv_nsec %= 1000000000L;
	return pthread_timedjoin_np(t, NULL, &deadline) == 0;
}

bool connector_destroy(struct connector *c, int timeout_ms)
{
	if (!c)
		return true;
	/* A retired client is closed on the helper thread too, so that a
	 * libjack that hangs in the close cannot hold up the stop. */
	if (!c->busy && c->retired) {
		memset(&c->at, 0, sizeof c->at);
		c->at.retired = c->retired;
		if (spawn(c) == 0)
			c->retired = NULL;
	}
	if (c->busy) {
		if (!join_within(c->thread, timeout_ms)) {
			pthread_detach(c->thread);
			log_warning(c->log, "leaving while libjack has not returned from joining "
				    "or closing a client");
			return false;
		}
		/* Joined: the client the attempt got has no one to use it. */
		if (c->at.client)
			jack_client_close(c->at.client);
	}
	if (c->ended)
		event_free(c->ended);
	if (c->slow)
		event_free(c->slow);
	close(c->pipe[0]);
	close(c->pipe[1]);
	free(c);
	return true;
}

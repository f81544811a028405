#include "daemon/control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "daemon/frame.h"

struct control_peer {
	struct control *ctl;
	struct bufferevent *bev;
	struct frame_reader rd;
	struct event *sub_timer;	/* NULL: no subscription */
	struct event *frame_timer;	/* pending while a frame is partly in */
	struct event *free_ev;		/* frees the peer from the loop, not from a callback */
	uint64_t id;
	struct access_cred cred;
	bool closing;
	bool paused;			/* not reading: too much output queued */
	bool sub_stats, sub_meters, sub_spectrum;
	uint64_t dropped;		/* events lost, reported in Event.dropped */
	uint32_t consecutive_drops;
	TAILQ_ENTRY(control_peer) entry;
};

struct control {
	struct event_base *base;
	struct evconnlistener *listener;
	struct event *relisten;		/* re-enables accept after EMFILE */
	char *path;
	dev_t dev;
	ino_t ino;
	struct control_limits limits;
	struct control_handler handler;
	const struct log *log;
	TAILQ_HEAD(, control_peer) peers;
	struct control_counters n;
	uint64_t next_id;
};

/* ---------------------------------------------------------- socket file */

/* mkdir -p, each created component with mode. */
static int make_dirs(char *dir, mode_t mode)
{
	struct stat st;

	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (errno != ENOENT)
		return -errno;
	char *slash = strrchr(dir, '/');

	if (slash && slash != dir) {
		int r;

		*slash = '\0';
		r = make_dirs(dir, mode);
		*slash = '/';
		if (r < 0)
			return r;
	}
	if (mkdir(dir, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int control_socket_open(const char *path, mode_t mode, gid_t group, char *err,
			size_t err_len)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[sizeof sa.sun_path];
	size_t len = strlen(path);
	struct stat st;
	mode_t mask;
	int fd, r;

	if (len >= sizeof sa.sun_path) {
		snprintf(err, err_len, "socket path %s is %zu bytes; a Unix socket path holds %zu",
			 path, len, sizeof sa.sun_path - 1);
		return -ENAMETOOLONG;
	}
	if (len == 0 || path[0] != '/') {
		snprintf(err, err_len, "socket path '%s' is not absolute", path);
		return -EINVAL;
	}
	memcpy(sa.sun_path, path, len + 1);
	memcpy(dir, path, len + 1);
	*strrchr(dir, '/') = '\0';
	if (dir[0]) {
		r = make_dirs(dir, CONTROL_SOCKET_DIR_MODE);
		if (r < 0) {
			snprintf(err, err_len, "cannot create socket directory %s: %s", dir,
				 strerror(-r));
			return r;
		}
		/* A directory someone else owns could swap the socket under us. */
		if (stat(dir, &st) == 0 && st.st_uid != geteuid() && st.st_uid != 0) {
			snprintf(err, err_len, "socket directory %s belongs to uid %u, not to us",
				 dir, (unsigned)st.st_uid);
			return -EPERM;
		}
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(err, err_len, "socket: %s", strerror(errno));
		return r;
	}
	if (lstat(path, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, err_len, "%s exists and is not a socket", path);
			close(fd);
			return -EEXIST;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
			snprintf(err, err_len, "another radiod is listening on %s", path);
			close(probe);
			close(fd);
			return -EADDRINUSE;
		}
		r = errno;
		if (probe >= 0)
			close(probe);
		/* Nobody listens: a stale file from a process that died. */
		if (r == ECONNREFUSED && unlink(path) < 0 && errno != ENOENT) {
			r = -errno;
			snprintf(err, err_len, "cannot remove stale socket %s: %s", path,
				 strerror(errno));
			close(fd);
			return r;
		}
	}
	mask = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(mask);
	if (r == 0 && group != (gid_t)-1 && chown(path, (uid_t)-1, group) < 0) {
		r = -errno;
		snprintf(err, err_len, "cannot give %s group %u: %s", path, (unsigned)group,
			 strerror(errno));
		unlink(path);
		close(fd);
		return r;
	}
	if (r == 0 && chmod(path, mode & 0777) < 0) {
		r = -errno;
		snprintf(err, err_len, "cannot give %s mode %04o: %s", path, (unsigned)mode,
			 strerror(errno));
		unlink(path);
		close(fd);
		return r;
	}
	if (r < 0 || listen(fd, 16) < 0) {
		r = -errno;
		snprintf(err, err_len, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return r;
	}
	return fd;
}

/* ---------------------------------------------------------------- peers */

static void peer_free(struct control_peer *p)
{
	struct control *c = p->ctl;

	if (c->handler.closed)
		c->handler.closed(c->handler.arg, p);
	TAILQ_REMOVE(&c->peers, p, entry);
	c->n.clients--;
	if (p->sub_timer)
		event_free(p->sub_timer);
	event_free(p->frame_timer);
	event_free(p->free_ev);
	bufferevent_free(p->bev);
	frame_reader_free(&p->rd);
	access_cred_clear(&p->cred);
	log_debug(c->log, "client %llu gone", (unsigned long long)p->id);
	free(p);
}

static void on_free(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	peer_free(arg);
}

static void peer_unsubscribe(struct control_peer *p)
{
	if (p->sub_timer) {
		event_free(p->sub_timer);
		p->sub_timer = NULL;
	}
	p->sub_stats = p->sub_meters = p->sub_spectrum = false;
}

/*
 * Stops reading from p.  With flush, what is queued is written first (for
 * at most CONTROL_FLUSH_TIMEOUT_S); without, p goes at the next loop pass.
 * Never frees p inline, so callers may keep using it until they return.
 */
static void peer_close(struct control_peer *p, bool flush)
{
	struct timeval flush_tv = {CONTROL_FLUSH_TIMEOUT_S, 0};

	if (p->closing)
		return;
	p->closing = true;
	peer_unsubscribe(p);
	evtimer_del(p->frame_timer);
	bufferevent_disable(p->bev, EV_READ);
	if (flush && evbuffer_get_length(bufferevent_get_output(p->bev)) > 0) {
		/* The write callback fires once the output is empty. */
		bufferevent_setwatermark(p->bev, EV_WRITE, 0, 0);
		bufferevent_set_timeouts(p->bev, NULL, &flush_tv);
		return;
	}
	event_active(p->free_ev, EV_TIMEOUT, 0);
}

static size_t peer_queued(const struct control_peer *p)
{
	return evbuffer_get_length(bufferevent_get_output(p->bev));
}

/* Frames and queues m.  0, -EMSGSIZE (too big for a frame) or -ENOMEM. */
static int peer_send(struct control_peer *p, const Radio__ServerMessage *m)
{
	struct evbuffer *out = bufferevent_get_output(p->bev);
	size_t n = radio__server_message__get_packed_size(m);
	struct evbuffer_iovec v;

	if (n == 0 || n > FRAME_MAX_SERVER_PAYLOAD)
		return -EMSGSIZE;
	if (evbuffer_reserve_space(out, (ev_ssize_t)(n + FRAME_HEADER_SIZE), &v, 1) < 1)
		return -ENOMEM;
	frame_write_header(v.iov_base, n);
	radio__server_message__pack(m, (uint8_t *)v.iov_base + FRAME_HEADER_SIZE);
	v.iov_len = n + FRAME_HEADER_SIZE;
	return evbuffer_commit_space(out, &v, 1) == 0 ? 0 : -ENOMEM;
}

/* A reply made here, for errors the handler never sees. */
static int send_status(struct control_peer *p, uint32_t id, bool has_id,
		       Radio__Status__Code code, const char *msg)
{
	Radio__ServerMessage sm = RADIO__SERVER_MESSAGE__INIT;
	Radio__Reply reply = RADIO__REPLY__INIT;
	Radio__Status st = RADIO__STATUS__INIT;

	st.has_code = true;
	st.code = code;
	st.message = (char *)msg;
	reply.has_id = has_id;
	reply.id = id;
	reply.status = &st;
	sm.msg_case = RADIO__SERVER_MESSAGE__MSG_REPLY;
	sm.reply = &reply;
	return peer_send(p, &sm);
}

static void peer_malformed(struct control_peer *p, const char *why)
{
	struct control *c = p->ctl;

	c->n.client_errors++;
	log_debug(c->log, "client %llu: %s: closing", (unsigned long long)p->id, why);
	send_status(p, 0, false, RADIO__STATUS__CODE__MALFORMED, why);
	peer_close(p, true);
}

static void peer_handle_frame(struct control_peer *p)
{
	struct control *c = p->ctl;
	uint32_t len;
	const uint8_t *data = frame_reader_payload(&p->rd, &len);
	Radio__Request *req = radio__request__unpack(NULL, len, data);
	Radio__ServerMessage *reply;
	int r;

	if (!req) {
		peer_malformed(p, "the frame does not decode as a radio.Request");
		return;
	}
	reply = c->handler.request(c->handler.arg, p, req);
	r = reply ? peer_send(p, reply) : -EINVAL;
	if (r == -EMSGSIZE)
		send_status(p, req->id, req->has_id, RADIO__STATUS__CODE__INTERNAL,
			    "the reply does not fit in one 64 KiB frame");
	else if (r < 0)
		send_status(p, req->id, req->has_id, RADIO__STATUS__CODE__INTERNAL,
			    "cannot build the reply");
	radio__request__free_unpacked(req, NULL);
}

static void peer_pause(struct control_peer *p)
{
	p->paused = true;
	bufferevent_disable(p->bev, EV_READ);
	/* Resume once half of the limit has drained. */
	bufferevent_setwatermark(p->bev, EV_WRITE, p->ctl->limits.out_limit / 2, 0);
}

static void peer_process_input(struct control_peer *p)
{
	struct evbuffer *in = bufferevent_get_input(p->bev);
	const struct timeval frame_tv = {CONTROL_FRAME_TIMEOUT_S, 0};

	while (!p->closing && !p->paused && evbuffer_get_length(in) > 0) {
		struct evbuffer_iovec v;
		enum frame_result r;
		size_t used;
		char why[96];

		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
			break;
		r = frame_reader_push(&p->rd, v.iov_base, v.iov_len, &used);
		evbuffer_drain(in, used);
		switch (r) {
		case FRAME_NEED_MORE:
			/* Bytes taken without a whole frame: one is partly in, and
			 * its deadline runs from its first byte. */
			if (used > 0 && !evtimer_pending(p->frame_timer, NULL))
				evtimer_add(p->frame_timer, &frame_tv);
			break;
		case FRAME_READY:
			evtimer_del(p->frame_timer);
			peer_handle_frame(p);
			if (!p->closing && peer_queued(p) > p->ctl->limits.out_limit)
				peer_pause(p);
			break;
		case FRAME_ERR_EMPTY:
			peer_malformed(p, "frame length 0 (a frame holds 1..65536 bytes)");
			break;
		case FRAME_ERR_TOO_LARGE:
			snprintf(why, sizeof why, "frame length %u over the limit of %u bytes",
				 frame_reader_declared_length(&p->rd), FRAME_MAX_PAYLOAD);
			peer_malformed(p, why);
			break;
		}
	}
}

/*
 * A frame begun and not finished within CONTROL_FRAME_TIMEOUT_S: a client
 * sending a byte now and then would otherwise hold its connection and its
 * frame buffer for ever, each byte restarting the idle timeout.
 */
static void on_frame_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct control_peer *p = arg;
	struct control *c = p->ctl;
	char why[128];

	(void)fd;
	(void)what;
	if (p->closing)
		return;
	c->n.clients_dropped++;
	if (p->rd.header_have < FRAME_HEADER_SIZE)
		snprintf(why, sizeof why,
			 "frame incomplete %d s after its first byte (%u of the 4 length bytes)",
			 CONTROL_FRAME_TIMEOUT_S, p->rd.header_have);
	else
		snprintf(why, sizeof why,
			 "frame incomplete %d s after its first byte (%u of %u bytes)",
			 CONTROL_FRAME_TIMEOUT_S, FRAME_HEADER_SIZE + p->rd.have,
			 FRAME_HEADER_SIZE + p->rd.length);
	log_info(c->log, "client %llu: %s: dropping it", (unsigned long long)p->id, why);
	send_status(p, 0, false, RADIO__STATUS__CODE__MALFORMED, why);
	peer_close(p, true);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	peer_process_input(arg);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct control_peer *p = arg;

	(void)bev;
	if (p->closing) {
		if (peer_queued(p) == 0)
			event_active(p->free_ev, EV_TIMEOUT, 0);
		return;
	}
	if (p->paused) {
		p->paused = false;
		bufferevent_setwatermark(p->bev, EV_WRITE, 0, 0);
		bufferevent_enable(p->bev, EV_READ);
		peer_process_input(p);
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct control_peer *p = arg;
	struct control *c = p->ctl;

	(void)bev;
	if (what & BEV_EVENT_EOF) {
		/* A client may send its requests and shut down its side: the
		 * replies still go out. */
		if (!p->closing && peer_queued(p) > 0) {
			peer_close(p, true);
			return;
		}
	} else if (what & BEV_EVENT_TIMEOUT) {
		if (what & BEV_EVENT_READING)
			log_debug(c->log, "client %llu idle for %u s: closing",
				  (unsigned long long)p->id, c->limits.idle_timeout_s);
		else if (!p->closing) {
			c->n.clients_dropped++;
			log_info(c->log, "client %llu took no output for %d s: dropping it",
				 (unsigned long long)p->id, CONTROL_STALL_TIMEOUT_S);
		}
	} else if (what & BEV_EVENT_ERROR) {
		log_debug(c->log, "client %llu: %s", (unsigned long long)p->id,
			  evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	}
	p->closing = true;
	event_active(p->free_ev, EV_TIMEOUT, 0);
}

/* Idle: nothing received (only without a subscription); stalled: queued
 * output the client has not taken for CONTROL_STALL_TIMEOUT_S. */
static void set_timeouts(struct control_peer *p)
{
	struct timeval idle = {p->ctl->limits.idle_timeout_s, 0};
	struct timeval stall = {CONTROL_STALL_TIMEOUT_S, 0};
	bool idle_applies = !p->sub_timer && p->ctl->limits.idle_timeout_s > 0;

	bufferevent_set_timeouts(p->bev, idle_applies ? &idle : NULL, &stall);
}

static void push_event(struct control_peer *p, enum control_event_kind kind)
{
	struct control *c = p->ctl;
	Radio__ServerMessage *m = c->handler.event(c->handler.arg, kind);
	size_t n;

	if (!m || m->msg_case != RADIO__SERVER_MESSAGE__MSG_EVENT)
		return;
	m->event->has_dropped = true;
	m->event->dropped = p->dropped;
	n = radio__server_message__get_packed_size(m);
	if (peer_queued(p) + n + FRAME_HEADER_SIZE > c->limits.out_limit) {
		p->dropped++;
		c->n.events_dropped++;
		if (++p->consecutive_drops >= CONTROL_MAX_CONSECUTIVE_DROPS) {
			c->n.clients_dropped++;
			log_info(c->log, "client %llu missed %u events in a row: dropping it",
				 (unsigned long long)p->id, p->consecutive_drops);
			peer_close(p, false);
		}
		return;
	}
	if (peer_send(p, m) == 0)
		p->consecutive_drops = 0;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct control_peer *p = arg;

	(void)fd;
	(void)what;
	if (p->sub_stats && !p->closing)
		push_event(p, CONTROL_EVENT_STATS);
	if (p->sub_meters && !p->closing)
		push_event(p, CONTROL_EVENT_METERS);
	if (p->sub_spectrum && !p->closing)
		push_event(p, CONTROL_EVENT_SPECTRUM);
}

void control_subscribe(struct control_peer *p, bool stats, bool meters, bool spectrum,
		       uint32_t interval_ms)
{
	struct timeval tv = {interval_ms / 1000, (interval_ms % 1000) * 1000};

	peer_unsubscribe(p);
	if ((stats || meters || spectrum) && !p->closing) {
		p->sub_timer = event_new(p->ctl->base, -1, EV_PERSIST, on_tick, p);
		if (p->sub_timer && event_add(p->sub_timer, &tv) == 0) {
			p->sub_stats = stats;
			p->sub_meters = meters;
			p->sub_spectrum = spectrum;
			p->consecutive_drops = 0;
		} else if (p->sub_timer) {
			event_free(p->sub_timer);
			p->sub_timer = NULL;
		}
	}
	set_timeouts(p);
}

const struct access_cred *control_peer_cred(const struct control_peer *p)
{
	return &p->cred;
}

uint64_t control_peer_id(const struct control_peer *p)
{
	return p->id;
}

/* ------------------------------------------------------------- listener */

/* One client too many: a short answer written straight to the socket. */
static void refuse(struct control *c, evutil_socket_t fd)
{
	Radio__ServerMessage sm = RADIO__SERVER_MESSAGE__INIT;
	Radio__Reply reply = RADIO__REPLY__INIT;
	Radio__Status st = RADIO__STATUS__INIT;
	uint8_t buf[256];
	char msg[96];
	size_t n;
	ssize_t w;

	snprintf(msg, sizeof msg, "too many clients (the limit is %u); try again later",
		 c->limits.max_clients);
	st.has_code = true;
	st.code = RADIO__STATUS__CODE__RESOURCE_EXHAUSTED;
	st.message = msg;
	reply.status = &st;
	sm.msg_case = RADIO__SERVER_MESSAGE__MSG_REPLY;
	sm.reply = &reply;
	n = radio__server_message__get_packed_size(&sm);
	if (n + FRAME_HEADER_SIZE <= sizeof buf) {
		frame_write_header(buf, n);
		radio__server_message__pack(&sm, buf + FRAME_HEADER_SIZE);
		/* Non-blocking: a client that cannot take 100 bytes gets nothing. */
		w = send(fd, buf, n + FRAME_HEADER_SIZE, MSG_DONTWAIT | MSG_NOSIGNAL);
		(void)w;
	}
	evutil_closesocket(fd);
	c->n.clients_dropped++;
	log_info(c->log, "refused a client: %s", msg);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int socklen, void *arg)
{
	struct control *c = arg;
	struct control_peer *p;
	int r;

	(void)l;
	(void)sa;
	(void)socklen;
	if (c->n.clients >= c->limits.max_clients) {
		refuse(c, fd);
		return;
	}
	p = calloc(1, sizeof *p);
	if (!p || frame_reader_init(&p->rd, FRAME_MAX_PAYLOAD) < 0) {
		log_warning(c->log, "out of memory: refusing a client");
		if (p)
			free(p);
		evutil_closesocket(fd);
		return;
	}
	p->ctl = c;
	p->id = ++c->next_id;
	/* A peer whose credentials are unknown may still read. */
	r = access_cred_take(fd, &p->cred);
	if (r < 0)
		log_warning(c->log, "client %llu: cannot read its %s: %s",
			    (unsigned long long)p->id,
			    p->cred.known ? "groups" : "credentials (it may only read)",
			    strerror(-r));
	p->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	p->free_ev = event_new(c->base, -1, 0, on_free, p);
	p->frame_timer = evtimer_new(c->base, on_frame_timeout, p);
	if (!p->bev || !p->free_ev || !p->frame_timer) {
		log_warning(c->log, "out of memory: refusing a client");
		if (p->bev)
			bufferevent_free(p->bev);
		else
			evutil_closesocket(fd);
		if (p->free_ev)
			event_free(p->free_ev);
		if (p->frame_timer)
			event_free(p->frame_timer);
		frame_reader_free(&p->rd);
		access_cred_clear(&p->cred);
		free(p);
		return;
	}
	TAILQ_INSERT_TAIL(&c->peers, p, entry);
	c->n.clients++;
	bufferevent_setcb(p->bev, on_read, on_write, on_event, p);
	set_timeouts(p);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	log_debug(c->log, "client %llu connected (pid %d, uid %u, gid %u, %zu groups%s)",
		  (unsigned long long)p->id, (int)p->cred.pid, (unsigned)p->cred.uid,
		  (unsigned)p->cred.gid, p->cred.n_groups,
		  p->cred.groups_from_db ? " from the group database" : "");
}

static void on_relisten(evutil_socket_t fd, short what, void *arg)
{
	struct control *c = arg;

	(void)fd;
	(void)what;
	evconnlistener_enable(c->listener);
}

static void on_accept_error(struct evconnlistener *l, void *arg)
{
	struct control *c = arg;
	struct timeval one = {1, 0};
	int e = EVUTIL_SOCKET_ERROR();

	log_warning(c->log, "accept: %s", evutil_socket_error_to_string(e));
	/* Out of descriptors: accept would fail at once again; wait a bit. */
	evconnlistener_disable(l);
	evtimer_add(c->relisten, &one);
}

struct control *control_create(struct event_base *base, int listen_fd, const char *path,
			       const struct control_limits *limits,
			       const struct control_handler *handler, const struct log *lg,
			       const char **err)
{
	struct control *c = calloc(1, sizeof *c);
	struct stat st;

	if (!c) {
		*err = "control: out of memory";
		close(listen_fd);
		return NULL;
	}
	c->base = base;
	c->limits = *limits;
	c->handler = *handler;
	c->log = lg;
	TAILQ_INIT(&c->peers);
	if (path) {
		c->path = strdup(path);
		if (c->path && stat(path, &st) == 0) {
			c->dev = st.st_dev;
			c->ino = st.st_ino;
		}
	}
	c->relisten = evtimer_new(base, on_relisten, c);
	/* Backlog 0: the socket already listens. */
	c->listener = evconnlistener_new(base, on_accept, c,
					 LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0,
					 listen_fd);
	if (!c->listener || !c->relisten || (path && !c->path)) {
		*err = "control: out of memory";
		if (!c->listener)
			close(listen_fd);
		control_destroy(c);
		return NULL;
	}
	evconnlistener_set_error_cb(c->listener, on_accept_error);
	return c;
}

void control_destroy(struct control *c)
{
	struct control_peer *p;
	struct stat st;

	if (!c)
		return;
	while ((p = TAILQ_FIRST(&c->peers)))
		peer_free(p);
	if (c->listener)
		evconnlistener_free(c->listener);
	if (c->relisten)
		event_free(c->relisten);
	/* Only our own socket: a later radiod may have replaced it. */
	if (c->path && stat(c->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino)
		unlink(c->path);
	free(c->path);
	free(c);
}

void control_get_counters(const struct control *c, struct control_counters *out)
{
	*out = c->n;
}

void control_set_limits(struct control *c, const struct control_limits *limits)
{
	struct control_peer *p;

	c->limits = *limits;
	TAILQ_FOREACH(p, &c->peers, entry)
		if (!p->closing)
			set_timeouts(p);
}

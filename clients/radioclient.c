/*
 * radioclient.c - libradioclient: framing, request/reply matching and the
 * event queue over radiod's Unix socket. The contract is radioclient.h.
 *
 * The socket is non-blocking; every wait is a poll(2) against one deadline
 * per call, so a call never blocks longer than its timeout however the bytes
 * trickle in. Input is buffered across calls: a timeout in the middle of a
 * frame keeps what arrived and the stream stays in step.
 */
#include "clients/radioclient.h"
#include "proto/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

_Static_assert(RADIOCLIENT_SOCKET_PATH_MAX == RADIO_SOCKET_PATH_MAX, "one socket path limit");

/* Input buffer size before the first large frame; most replies fit. */
#define IN_INITIAL_CAP 16384u
#define HEADER_BYTES 4u

struct queued_event {
	struct queued_event *next;
	Radio__Event *event;
};

struct radioclient {
	int fd;			/* -1 when not connected */
	int timeout_ms;
	uint32_t last_id;
	Radio__Status__Code status;

	uint8_t *in;		/* received bytes not yet decoded */
	size_t in_len;
	size_t in_cap;

	struct queued_event *head, *tail;
	size_t n_events;
	uint64_t events_dropped;

	char path[RADIO_SOCKET_PATH_MAX + 1];
	char err[768];
	char lost[512];		/* why the last connection was closed */
};

__attribute__((format(printf, 2, 3)))
static void set_err(struct radioclient *rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rc->err, sizeof rc->err, fmt, ap);
	va_end(ap);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* -1: no deadline. */
static int64_t deadline_after(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

static int remaining_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* 0 when fd is ready (or in error: the next read/send tells), -ETIMEDOUT, or
 * a negative errno from poll. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, remaining_ms(deadline));

		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static void drop_input(struct radioclient *rc)
{
	free(rc->in);
	rc->in = NULL;
	rc->in_len = 0;
	rc->in_cap = 0;
}

static void disconnect(struct radioclient *rc)
{
	if (rc->fd >= 0)
		close(rc->fd);
	rc->fd = -1;
	drop_input(rc);
}

/* The connection cannot be trusted any more (the stream is out of step or
 * gone): close it, remember why, and return err. rc->err is already set. */
static int fatal(struct radioclient *rc, int err)
{
	disconnect(rc);
	_Static_assert(sizeof rc->err > sizeof rc->lost, "err holds lost and more");
	memcpy(rc->lost, rc->err, sizeof rc->lost - 1);
	rc->lost[sizeof rc->lost - 1] = '\0';
	return err < 0 ? err : -EIO;
}

static int not_connected(struct radioclient *rc, const char *what)
{
	if (rc->lost[0])
		set_err(rc, "%s: not connected to radiod (the connection was closed: %s)", what,
			rc->lost);
	else
		set_err(rc, "%s: not connected to radiod", what);
	return -ENOTCONN;
}

static void clear_events(struct radioclient *rc)
{
	while (rc->head) {
		struct queued_event *q = rc->head;

		rc->head = q->next;
		radio__event__free_unpacked(q->event, NULL);
		free(q);
	}
	rc->tail = NULL;
	rc->n_events = 0;
}

/* Takes ownership of ev. */
static int queue_event(struct radioclient *rc, Radio__Event *ev)
{
	struct queued_event *q = malloc(sizeof *q);

	if (!q) {
		radio__event__free_unpacked(ev, NULL);
		rc->events_dropped++;
		return -ENOMEM;
	}
	if (rc->n_events >= RADIOCLIENT_EVENT_QUEUE_MAX) {
		struct queued_event *old = rc->head;

		rc->head = old->next;
		if (!rc->head)
			rc->tail = NULL;
		radio__event__free_unpacked(old->event, NULL);
		free(old);
		rc->n_events--;
		rc->events_dropped++;
	}
	q->next = NULL;
	q->event = ev;
	if (rc->tail)
		rc->tail->next = q;
	else
		rc->head = q;
	rc->tail = q;
	rc->n_events++;
	return 0;
}

static Radio__Event *pop_event(struct radioclient *rc)
{
	struct queued_event *q = rc->head;
	Radio__Event *ev;

	if (!q)
		return NULL;
	rc->head = q->next;
	if (!rc->head)
		rc->tail = NULL;
	rc->n_events--;
	ev = q->event;
	free(q);
	return ev;
}

/* ------------------------------------------------------------ the handle */

struct radioclient *radioclient_create(void)
{
	struct radioclient *rc = calloc(1, sizeof *rc);

	if (!rc)
		return NULL;
	rc->fd = -1;
	rc->timeout_ms = RADIOCLIENT_DEFAULT_TIMEOUT_MS;
	return rc;
}

void radioclient_close(struct radioclient *rc)
{
	if (!rc)
		return;
	disconnect(rc);
	clear_events(rc);
	free(rc);
}

void radioclient_set_timeout(struct radioclient *rc, int timeout_ms)
{
	rc->timeout_ms = timeout_ms < 0 ? -1 : timeout_ms;
}

const char *radioclient_path(const struct radioclient *rc)
{
	return rc->path;
}

int radioclient_socket_path(char *buf, size_t len)
{
	return radio_client_socket_path(buf, len);
}

static void reset_connection(struct radioclient *rc)
{
	disconnect(rc);
	clear_events(rc);
	rc->path[0] = '\0';
	rc->lost[0] = '\0';
	rc->err[0] = '\0';
	rc->status = RADIO__STATUS__CODE__OK;
}

static const char *connect_hint(int err)
{
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
		return " (is radiod running?)";
	case EACCES:
	case EPERM:
		return " (is this user in radiod's control group?)";
	default:
		return "";
	}
}

static int connect_failed(struct radioclient *rc, int err)
{
	set_err(rc, "cannot connect to %s: %s%s", rc->path, strerror(err), connect_hint(err));
	disconnect(rc);
	return -err;
}

/* connect(2) on a non-blocking socket: a Unix socket whose listen backlog is
 * full answers EAGAIN, so retry until the deadline instead of hanging in a
 * blocking connect on a wedged daemon. */
static int connect_deadline(struct radioclient *rc, const struct sockaddr_un *sa)
{
	int64_t deadline = deadline_after(rc->timeout_ms);

	for (;;) {
		int err, r;
		socklen_t len = sizeof err;

		if (connect(rc->fd, (const struct sockaddr *)sa, sizeof *sa) == 0)
			return 0;
		err = errno;
		if (err == EINTR)
			continue;
		if (err == EAGAIN) {
			if (remaining_ms(deadline) == 0) {
				set_err(rc, "cannot connect to %s: radiod accepts no connections "
					"(timed out after %d ms)", rc->path, rc->timeout_ms);
				disconnect(rc);
				return -ETIMEDOUT;
			}
			nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
			continue;
		}
		if (err != EINPROGRESS)
			return connect_failed(rc, err);
		r = wait_fd(rc->fd, POLLOUT, deadline);
		if (r == -ETIMEDOUT) {
			set_err(rc, "cannot connect to %s: timed out after %d ms", rc->path,
				rc->timeout_ms);
			disconnect(rc);
			return r;
		}
		if (r < 0)
			return connect_failed(rc, -r);
		if (getsockopt(rc->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			return connect_failed(rc, errno);
		return err ? connect_failed(rc, err) : 0;
	}
}

int radioclient_connect(struct radioclient *rc, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int r;

	reset_connection(rc);
	if (!path) {
		r = radioclient_socket_path(rc->path, sizeof rc->path);
		if (r < 0) {
			set_err(rc, "cannot work out radiod's socket path: $RADIOD_SOCKET or "
				"$XDG_RUNTIME_DIR is too long (at most %d bytes)",
				RADIO_SOCKET_PATH_MAX);
			rc->path[0] = '\0';
			return r;
		}
	} else {
		if (strlen(path) > RADIO_SOCKET_PATH_MAX) {
			set_err(rc, "cannot connect to %s: the path is too long for a Unix socket "
				"(%zu bytes, at most %d)", path, strlen(path),
				RADIO_SOCKET_PATH_MAX);
			return -ENAMETOOLONG;
		}
		snprintf(rc->path, sizeof rc->path, "%s", path);
	}
	if (!rc->path[0]) {
		set_err(rc, "cannot connect: the socket path is empty");
		return -EINVAL;
	}
	memcpy(sa.sun_path, rc->path, strlen(rc->path) + 1);

	rc->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (rc->fd < 0)
		return connect_failed(rc, errno);
	return connect_deadline(rc, &sa);
}

int radioclient_adopt_fd(struct radioclient *rc, int fd)
{
	int fl;

	reset_connection(rc);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		int err = errno;

		set_err(rc, "cannot use file descriptor %d: %s", fd, strerror(err));
		close(fd);
		return -err;
	}
	rc->fd = fd;
	return 0;
}

/* ---------------------------------------------------------------- errors */

const char *radioclient_error(const struct radioclient *rc)
{
	return rc ? rc->err : "";
}

Radio__Status__Code radioclient_status(const struct radioclient *rc)
{
	return rc->status;
}

const char *radioclient_strerror(int err)
{
	switch (-err) {
	case 0:
		return "success";
	case EREMOTEIO:
		return "radiod refused the request";
	case ETIMEDOUT:
		return "timed out waiting for radiod";
	case EMSGSIZE:
		return "message too large";
	case EPROTO:
		return "protocol error: radiod sent something this client does not understand";
	case ECONNRESET:
		return "radiod closed the connection";
	case ENOTCONN:
		return "not connected to radiod";
	default:
		return strerror(-err);
	}
}

const char *radioclient_status_name(Radio__Status__Code code)
{
	const ProtobufCEnumValue *v =
		protobuf_c_enum_descriptor_get_value(&radio__status__code__descriptor, code);

	return v ? v->name : "UNKNOWN";
}

const char *radioclient_request_name(const Radio__Request *req)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(&radio__request__descriptor,
							(unsigned)req->body_case);

	return req->body_case != RADIO__REQUEST__BODY__NOT_SET && f ? f->name : "request";
}

/* ---------------------------------------------------------------- framing */

static int send_all(struct radioclient *rc, const uint8_t *buf, size_t len, int64_t deadline,
		    const char *what)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(rc->fd, buf + off, len - off, MSG_NOSIGNAL);
		int r;

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EPIPE || errno == ECONNRESET) {
			set_err(rc, "%s: radiod closed the connection", what);
			return fatal(rc, -ECONNRESET);
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			int err = errno;

			set_err(rc, "%s: cannot send to radiod: %s", what, strerror(err));
			return fatal(rc, -err);
		}
		r = wait_fd(rc->fd, POLLOUT, deadline);
		if (r == -ETIMEDOUT) {
			set_err(rc, "%s: timed out after %d ms sending the request", what,
				rc->timeout_ms);
			/* Half a frame out: the stream is out of step for good. */
			return off ? fatal(rc, r) : r;
		}
		if (r < 0) {
			set_err(rc, "%s: cannot send to radiod: %s", what, strerror(-r));
			return fatal(rc, r);
		}
	}
	return 0;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int reserve_input(struct radioclient *rc, size_t need)
{
	uint8_t *p;
	size_t cap;

	if (rc->in_cap >= need)
		return 0;
	cap = rc->in_cap ? rc->in_cap : IN_INITIAL_CAP;
	while (cap < need)
		cap *= 2;
	p = realloc(rc->in, cap);
	if (!p)
		return -ENOMEM;
	rc->in = p;
	rc->in_cap = cap;
	return 0;
}

static void consume_input(struct radioclient *rc, size_t n)
{
	memmove(rc->in, rc->in + n, rc->in_len - n);
	rc->in_len -= n;
}

static int closed_by_peer(struct radioclient *rc, const char *what)
{
	if (rc->in_len == 0)
		set_err(rc, "%s: radiod closed the connection", what);
	else if (rc->in_len < HEADER_BYTES)
		set_err(rc, "%s: radiod closed the connection in the middle of a message "
			"(%zu of the 4 length bytes)", what, rc->in_len);
	else
		set_err(rc, "%s: radiod closed the connection in the middle of a message "
			"(%zu of %" PRIu32 " bytes)", what, rc->in_len - HEADER_BYTES,
			get_be32(rc->in));
	return fatal(rc, -ECONNRESET);
}

/* Reads one ServerMessage, waiting until deadline. A timeout keeps the bytes
 * read so far. */
static int read_message(struct radioclient *rc, Radio__ServerMessage **out, int64_t deadline,
			const char *what)
{
	for (;;) {
		ssize_t n;
		int r;

		if (rc->in_len >= HEADER_BYTES) {
			uint32_t len = get_be32(rc->in);

			/* Checked before any allocation or arithmetic on len. */
			if (len > RADIOCLIENT_MAX_REPLY) {
				set_err(rc, "%s: reply too large: radiod announced %" PRIu32
					" bytes, the limit is %u", what, len,
					RADIOCLIENT_MAX_REPLY);
				return fatal(rc, -EMSGSIZE);
			}
			if (rc->in_len >= HEADER_BYTES + len) {
				const uint8_t *body = rc->in + HEADER_BYTES;
				Radio__ServerMessage *m =
					radio__server_message__unpack(NULL, len, body);

				consume_input(rc, HEADER_BYTES + len);
				if (!m) {
					set_err(rc, "%s: protocol error: a message from radiod "
						"(%" PRIu32 " bytes) does not decode", what, len);
					return fatal(rc, -EPROTO);
				}
				*out = m;
				return 0;
			}
			if (reserve_input(rc, HEADER_BYTES + len) < 0) {
				set_err(rc, "%s: out of memory", what);
				return fatal(rc, -ENOMEM);
			}
		} else if (reserve_input(rc, IN_INITIAL_CAP) < 0) {
			set_err(rc, "%s: out of memory", what);
			return fatal(rc, -ENOMEM);
		}

		n = recv(rc->fd, rc->in + rc->in_len, rc->in_cap - rc->in_len, 0);
		if (n > 0) {
			rc->in_len += (size_t)n;
			continue;
		}
		if (n == 0)
			return closed_by_peer(rc, what);
		if (errno == EINTR)
			continue;
		if (errno == ECONNRESET)
			return closed_by_peer(rc, what);
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			int err = errno;

			set_err(rc, "%s: cannot read from radiod: %s", what, strerror(err));
			return fatal(rc, -err);
		}
		r = wait_fd(rc->fd, POLLIN, deadline);
		if (r == -ETIMEDOUT)
			return r;
		if (r < 0) {
			set_err(rc, "%s: cannot read from radiod: %s", what, strerror(-r));
			return fatal(rc, r);
		}
	}
}

/* Takes the reply or event out of m, so it can be freed on its own, and
 * frees m. protobuf-c allocates every sub-message separately. */
static Radio__Reply *detach_reply(Radio__ServerMessage *m)
{
	Radio__Reply *r = m->reply;

	m->reply = NULL;
	m->msg_case = RADIO__SERVER_MESSAGE__MSG__NOT_SET;
	radio__server_message__free_unpacked(m, NULL);
	return r;
}

static Radio__Event *detach_event(Radio__ServerMessage *m)
{
	Radio__Event *e = m->event;

	m->event = NULL;
	m->msg_case = RADIO__SERVER_MESSAGE__MSG__NOT_SET;
	radio__server_message__free_unpacked(m, NULL);
	return e;
}

/* --------------------------------------------------------- request/reply */

static int check_status(struct radioclient *rc, Radio__Reply *r, const char *what)
{
	const Radio__Status *s = r->status;

	if (!s || !s->has_code || s->code == RADIO__STATUS__CODE__OK)
		return 0;
	rc->status = s->code;
	/* radiod's messages name what they refuse ("set_band: band 9 out of
	 * range 0..7"), so they are passed on as they are. */
	if (s->message && s->message[0])
		set_err(rc, "%s", s->message);
	else
		set_err(rc, "%s: radiod refused it (%s)", what, radioclient_status_name(s->code));
	return -EREMOTEIO;
}

static int wait_reply(struct radioclient *rc, uint32_t id, Radio__Reply **reply, int64_t deadline,
		      const char *what)
{
	for (;;) {
		Radio__ServerMessage *m = NULL;
		Radio__Reply *r;
		int err = read_message(rc, &m, deadline, what);

		if (err == -ETIMEDOUT) {
			set_err(rc, "%s: timed out after %d ms waiting for reply", what,
				rc->timeout_ms);
			return err;
		}
		if (err < 0)
			return err;
		switch (m->msg_case) {
		case RADIO__SERVER_MESSAGE__MSG_EVENT:
			/* A full queue loses its oldest event, counted; not an error here. */
			(void)queue_event(rc, detach_event(m));
			continue;
		case RADIO__SERVER_MESSAGE__MSG_REPLY:
			break;
		default:
			/* A kind of message newer than this client: ignored. */
			radio__server_message__free_unpacked(m, NULL);
			continue;
		}
		/* Only one request is ever outstanding, so a reply without an id
		 * (radiod could not decode the request) is ours; one with another
		 * id answers a request that timed out. */
		if (m->reply && m->reply->has_id && m->reply->id != id) {
			radio__server_message__free_unpacked(m, NULL);
			continue;
		}
		r = detach_reply(m);
		if (!r) {
			set_err(rc, "%s: protocol error: an empty reply", what);
			return fatal(rc, -EPROTO);
		}
		err = check_status(rc, r, what);
		if (err < 0) {
			radio__reply__free_unpacked(r, NULL);
			return err;
		}
		*reply = r;
		return 0;
	}
}

int radioclient_request(struct radioclient *rc, Radio__Request *req, Radio__Reply **reply)
{
	const char *what = radioclient_request_name(req);
	Radio__Reply *r = NULL;
	int64_t deadline = deadline_after(rc->timeout_ms);
	uint8_t *frame;
	size_t len;
	int err;

	if (reply)
		*reply = NULL;
	rc->err[0] = '\0';
	rc->status = RADIO__STATUS__CODE__OK;
	if (rc->fd < 0)
		return not_connected(rc, what);

	if (++rc->last_id == 0)
		rc->last_id = 1;
	req->has_id = 1;
	req->id = rc->last_id;
	len = radio__request__get_packed_size(req);
	if (len > RADIOCLIENT_MAX_REQUEST) {
		set_err(rc, "%s: request too large (%zu bytes, radiod takes at most %u)", what, len,
			RADIOCLIENT_MAX_REQUEST);
		return -EMSGSIZE;
	}
	frame = malloc(HEADER_BYTES + len);
	if (!frame) {
		set_err(rc, "%s: out of memory", what);
		return -ENOMEM;
	}
	put_be32(frame, (uint32_t)len);
	radio__request__pack(req, frame + HEADER_BYTES);
	err = send_all(rc, frame, HEADER_BYTES + len, deadline, what);
	free(frame);
	if (err < 0)
		return err;

	err = wait_reply(rc, req->id, &r, deadline, what);
	if (err < 0)
		return err;
	if (reply)
		*reply = r;
	else
		radio__reply__free_unpacked(r, NULL);
	return 0;
}

void radioclient_reply_free(Radio__Reply *reply)
{
	if (reply)
		radio__reply__free_unpacked(reply, NULL);
}

/* ------------------------------------------------------ the common calls */

/* radioclient_request(), and on success a check that the reply has the
 * body the caller will read (NOT_SET: none needed). */
static int call(struct radioclient *rc, Radio__Request *req, Radio__Reply **reply,
		Radio__Reply__BodyCase want)
{
	Radio__Reply *r;
	int err = radioclient_request(rc, req, &r);

	if (reply)
		*reply = NULL;
	if (err < 0)
		return err;
	if (want != RADIO__REPLY__BODY__NOT_SET && r->body_case != want) {
		const ProtobufCFieldDescriptor *f =
			protobuf_c_message_descriptor_get_field(&radio__reply__descriptor,
								(unsigned)want);

		set_err(rc, "%s: protocol error: the reply carries no %s",
			radioclient_request_name(req), f ? f->name : "body");
		radio__reply__free_unpacked(r, NULL);
		return -EPROTO;
	}
	if (reply)
		*reply = r;
	else
		radio__reply__free_unpacked(r, NULL);
	return 0;
}

int radioclient_get_info(struct radioclient *rc, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetInfo body = RADIO__GET_INFO__INIT;

	req.body_case = RADIO__REQUEST__BODY_GET_INFO;
	req.get_info = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY_INFO);
}

int radioclient_get_stats(struct radioclient *rc, bool histograms, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetStats body = RADIO__GET_STATS__INIT;

	body.has_histograms = 1;
	body.histograms = histograms;
	req.body_case = RADIO__REQUEST__BODY_GET_STATS;
	req.get_stats = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY_STATS);
}

int radioclient_reset_stats(struct radioclient *rc)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__ResetStats body = RADIO__RESET_STATS__INIT;

	req.body_case = RADIO__REQUEST__BODY_RESET_STATS;
	req.reset_stats = &body;
	return call(rc, &req, NULL, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_get_eq(struct radioclient *rc, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetEq body = RADIO__GET_EQ__INIT;

	req.body_case = RADIO__REQUEST__BODY_GET_EQ;
	req.get_eq = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY_EQ);
}

int radioclient_get_volume(struct radioclient *rc, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetVolume body = RADIO__GET_VOLUME__INIT;

	req.body_case = RADIO__REQUEST__BODY_GET_VOLUME;
	req.get_volume = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY_VOLUME);
}

int radioclient_set_eq(struct radioclient *rc, const Radio__Eq *eq, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__SetEq body = RADIO__SET_EQ__INIT;

	/* Packing only reads the message; the generated struct wants it mutable. */
	body.eq = (Radio__Eq *)eq;
	req.body_case = RADIO__REQUEST__BODY_SET_EQ;
	req.set_eq = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_set_band(struct radioclient *rc, const Radio__SetBand *band, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;

	req.body_case = RADIO__REQUEST__BODY_SET_BAND;
	req.set_band = (Radio__SetBand *)band;
	return call(rc, &req, reply, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_set_bypass(struct radioclient *rc, bool bypass, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__SetBypass body = RADIO__SET_BYPASS__INIT;

	body.has_bypass = 1;
	body.bypass = bypass;
	req.body_case = RADIO__REQUEST__BODY_SET_BYPASS;
	req.set_bypass = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_set_volume(struct radioclient *rc, double db, double ramp_ms, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__SetVolume body = RADIO__SET_VOLUME__INIT;

	body.has_db = 1;
	body.db = db;
	if (ramp_ms >= 0) {
		body.has_ramp_ms = 1;
		body.ramp_ms = ramp_ms;
	}
	req.body_case = RADIO__REQUEST__BODY_SET_VOLUME;
	req.set_volume = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_set_mute(struct radioclient *rc, bool mute, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__SetMute body = RADIO__SET_MUTE__INIT;

	body.has_mute = 1;
	body.mute = mute;
	req.body_case = RADIO__REQUEST__BODY_SET_MUTE;
	req.set_mute = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_inject(struct radioclient *rc, const Radio__InjectSignal *signal,
		       Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;

	req.body_case = RADIO__REQUEST__BODY_INJECT_SIGNAL;
	req.inject_signal = (Radio__InjectSignal *)signal;
	return call(rc, &req, reply, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_stop_signal(struct radioclient *rc)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__StopSignal body = RADIO__STOP_SIGNAL__INIT;

	req.body_case = RADIO__REQUEST__BODY_STOP_SIGNAL;
	req.stop_signal = &body;
	return call(rc, &req, NULL, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_get_spectrum(struct radioclient *rc, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetSpectrum body = RADIO__GET_SPECTRUM__INIT;

	req.body_case = RADIO__REQUEST__BODY_GET_SPECTRUM;
	req.get_spectrum = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY_SPECTRUM);
}

int radioclient_reload_config(struct radioclient *rc, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__ReloadConfig body = RADIO__RELOAD_CONFIG__INIT;

	req.body_case = RADIO__REQUEST__BODY_RELOAD_CONFIG;
	req.reload_config = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY__NOT_SET);
}

/* ------------------------------------------------------------ presets */

int radioclient_save_preset(struct radioclient *rc, const char *name, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__SavePreset body = RADIO__SAVE_PRESET__INIT;

	/* Packing only reads the string; the generated struct wants it mutable. */
	body.name = (char *)name;
	req.body_case = RADIO__REQUEST__BODY_SAVE_PRESET;
	req.save_preset = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_load_preset(struct radioclient *rc, const char *name, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__LoadPreset body = RADIO__LOAD_PRESET__INIT;

	body.name = (char *)name;
	req.body_case = RADIO__REQUEST__BODY_LOAD_PRESET;
	req.load_preset = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY_EQ);
}

int radioclient_list_presets(struct radioclient *rc, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__ListPresets body = RADIO__LIST_PRESETS__INIT;

	req.body_case = RADIO__REQUEST__BODY_LIST_PRESETS;
	req.list_presets = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY_PRESETS);
}

int radioclient_delete_preset(struct radioclient *rc, const char *name, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__DeletePreset body = RADIO__DELETE_PRESET__INIT;

	body.name = (char *)name;
	req.body_case = RADIO__REQUEST__BODY_DELETE_PRESET;
	req.delete_preset = &body;
	return call(rc, &req, reply, RADIO__REPLY__BODY__NOT_SET);
}

/* ------------------------------------------------------------- events */

int radioclient_subscribe(struct radioclient *rc, bool stats, bool meters, bool spectrum,
			  uint32_t interval_ms)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__Subscribe body = RADIO__SUBSCRIBE__INIT;

	body.has_stats = 1;
	body.stats = stats;
	body.has_meters = 1;
	body.meters = meters;
	body.has_spectrum = 1;
	body.spectrum = spectrum;
	body.has_interval_ms = 1;
	body.interval_ms = interval_ms;
	req.body_case = RADIO__REQUEST__BODY_SUBSCRIBE;
	req.subscribe = &body;
	return call(rc, &req, NULL, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_unsubscribe(struct radioclient *rc)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__Unsubscribe body = RADIO__UNSUBSCRIBE__INIT;

	req.body_case = RADIO__REQUEST__BODY_UNSUBSCRIBE;
	req.unsubscribe = &body;
	return call(rc, &req, NULL, RADIO__REPLY__BODY__NOT_SET);
}

int radioclient_next_event(struct radioclient *rc, Radio__Event **event, int timeout_ms)
{
	int64_t deadline = deadline_after(timeout_ms);

	*event = NULL;
	rc->err[0] = '\0';
	rc->status = RADIO__STATUS__CODE__OK;
	*event = pop_event(rc);
	if (*event)
		return 0;
	if (rc->fd < 0)
		return not_connected(rc, "event");

	for (;;) {
		Radio__ServerMessage *m = NULL;
		int err = read_message(rc, &m, deadline, "event");

		if (err == -ETIMEDOUT) {
			set_err(rc, "event: none within %d ms", timeout_ms);
			return err;
		}
		if (err < 0)
			return err;
		if (m->msg_case == RADIO__SERVER_MESSAGE__MSG_EVENT && m->event) {
			*event = detach_event(m);
			return 0;
		}
		/* A late reply, or a kind of message newer than this client. */
		radio__server_message__free_unpacked(m, NULL);
	}
}

void radioclient_event_free(Radio__Event *event)
{
	if (event)
		radio__event__free_unpacked(event, NULL);
}

uint64_t radioclient_events_dropped(const struct radioclient *rc)
{
	return rc->events_dropped;
}

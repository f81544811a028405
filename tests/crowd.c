/*
 * crowd - many hostile clients at once against a live radiod, and one good
 * client timing its round trips all the while.
 *
 *   crowd [-o] [-g PAUSE_MS] SOCKET TOTAL SECONDS
 *
 * Opens TOTAL connections and keeps them for SECONDS:
 *   idle        connect and send nothing;
 *   subscriber  subscribe to stats, meters and spectrum every 20 ms, then
 *               never read;
 *   dribbler    send a GetStats frame one byte per second (over and over).
 * A third of TOTAL are subscribers, a third dribblers, the rest idle.  Every
 * connection is made before any of them starts its act; each one's clock
 * starts when it does (idle: at connect; subscriber: at its Subscribe;
 * dribbler: at its first byte), and radiod closing it is timed from there.
 * The good client connects next and is answered once, so it is in before
 * any room can run out.  With -o, connections are then added one by one
 * (each asks GetInfo) until radiod refuses one; the accepted ones are
 * closed again before the crowd starts.
 *
 * Meanwhile the good client, on that connection of its own, sends GetStats,
 * waits for the reply, pauses PAUSE_MS (default 2; 0 = back to back) and
 * sends the next, timing each round trip.
 *
 * Lines, flushed as printed (times in seconds, round trips in ms):
 *   connected idle=N subscribers=N dribblers=N seconds=T
 *   overflow accepted=N refused=CODE        (-o; CODE: the Status code
 *                                           name of the refusal, or none)
 *   started                                 (the crowd is acting)
 *   kind=K n=N closed=N min_s=T max_s=T replies=CODE:N,...
 *                                           (closed: how many radiod closed,
 *                                           min_s and max_s: after how long;
 *                                           replies, dribblers only: the
 *                                           Status each was sent before the
 *                                           close, none = no reply; else -)
 *   good requests=N failures=N p50_ms=X p99_ms=X max_ms=X
 * A failure is a reply other than OK, or one that did not come within
 * GOOD_TIMEOUT_MS, or a closed connection (the good client then stops:
 * later replies could not be told apart).  SIGTERM ends the run
 * early.  Exit: 0 when every line was printed, 1 on a local error (cannot
 * connect, no descriptors, no thread), 2 usage.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "proto/radio.pb-c.h"
#include "tests/sock_util.h"

#define CONNECT_TIMEOUT_S 5
#define GOOD_TIMEOUT_MS 2000
#define OVERFLOW_MAX 1100
#define SUB_INTERVAL_MS 20
#define MAX_REPLY (1u << 21)

enum kind { K_IDLE, K_SUBSCRIBER, K_DRIBBLER, K_N };
static const char *const kind_name[K_N] = {"idle", "subscriber", "dribbler"};

struct conn {
	int fd;
	enum kind kind;
	double start;		/* when its act began */
	double closed_at;	/* < 0: still open */
	size_t sent;		/* dribbler: bytes of the frame sent */
	int reply_code;		/* dribbler: the Status code radiod sent; -1 none */
	uint8_t reply[128];	/* dribbler: the start of what radiod sent */
	size_t reply_have;
};

struct good {
	const char *path;
	int fd;			/* connected and answered once before the crowd acts */
	double end;
	int pause_ms;
	double *rtt_ms;
	size_t n, cap;
	unsigned long failures;
	const char *error;	/* a local error, or NULL */
};

/* Set by SIGTERM or at the end; the good client's thread reads it. */
static atomic_bool g_stop;

static void on_term(int sig)
{
	(void)sig;
	atomic_store(&g_stop, true);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static size_t get_stats_frame(uint32_t id, uint8_t *out, size_t size)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetStats gs = RADIO__GET_STATS__INIT;

	req.has_id = 1;
	req.id = id;
	req.body_case = RADIO__REQUEST__BODY_GET_STATS;
	req.get_stats = &gs;
	return su_frame_request(&req, out, size);
}

/*
 * Reads one ServerMessage: its Reply's status code (OK when it has no
 * Status) in *code, its id in *id.  0; -1 closed or not radiod's framing;
 * -2 nothing within timeout_ms.
 */
static int read_reply(int fd, int timeout_ms, int *code, uint32_t *id)
{
	uint8_t hdr[4], *buf;
	uint32_t len;
	Radio__ServerMessage *m;
	int r = su_recv_all(fd, hdr, 4, timeout_ms);

	if (r)
		return r;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (len == 0 || len > MAX_REPLY || !(buf = malloc(len)))
		return -1;
	r = su_recv_all(fd, buf, len, timeout_ms);
	if (r) {
		free(buf);
		return r;
	}
	m = radio__server_message__unpack(NULL, len, buf);
	free(buf);
	*code = -1;
	*id = 0;
	if (m && m->msg_case == RADIO__SERVER_MESSAGE__MSG_REPLY) {
		*code = m->reply->status ? (int)m->reply->status->code : RADIO__STATUS__CODE__OK;
		*id = m->reply->id;
	}
	if (m)
		radio__server_message__free_unpacked(m, NULL);
	return 0;
}

static const char *code_name(int code)
{
	const ProtobufCEnumValue *v;

	if (code < 0)
		return "none";
	v = protobuf_c_enum_descriptor_get_value(&radio__status__code__descriptor, code);
	return v ? v->name : "UNKNOWN";
}

/* ------------------------------------------------------------ good client */

static void *good_run(void *arg)
{
	struct good *g = arg;
	uint8_t buf[64];
	uint32_t id = 1;	/* 1 was the request good_connect() sent */
	int fd = g->fd;

	while (!atomic_load(&g_stop) && now_s() < g->end) {
		struct timespec pause = {0, (long)g->pause_ms * 1000000L};
		size_t n = get_stats_frame(++id, buf, sizeof buf);
		uint32_t got;
		int code, r;
		double t0 = now_s();

		if (su_send_all(fd, buf, n) < 0) {
			g->failures++;
			break;
		}
		r = read_reply(fd, GOOD_TIMEOUT_MS, &code, &got);
		if (r == 0 && code == RADIO__STATUS__CODE__OK && got == id) {
			if (g->n == g->cap) {
				size_t cap = g->cap ? 2 * g->cap : 4096;
				double *p = realloc(g->rtt_ms, cap * sizeof *p);

				if (!p) {
					g->error = "out of memory";
					break;
				}
				g->rtt_ms = p;
				g->cap = cap;
			}
			g->rtt_ms[g->n++] = (now_s() - t0) * 1000.0;
		} else {
			g->failures++;
			/* A lost reply would pair every later one with the wrong id. */
			if (r != 0 || got != id)
				break;
		}
		if (g->pause_ms > 0)
			nanosleep(&pause, NULL);
	}
	close(fd);
	return NULL;
}

/* Connects the good client and has its first GetStats answered. */
static int good_connect(struct good *g)
{
	uint8_t buf[64];
	uint32_t got;
	int code;

	g->fd = su_connect_bounded(g->path, CONNECT_TIMEOUT_S);
	if (g->fd < 0) {
		g->error = "the good client cannot connect";
		return -1;
	}
	if (su_send_all(g->fd, buf, get_stats_frame(1, buf, sizeof buf)) < 0 ||
	    read_reply(g->fd, GOOD_TIMEOUT_MS, &code, &got) != 0 ||
	    code != RADIO__STATUS__CODE__OK || got != 1) {
		g->error = "the good client's first GetStats was not answered OK";
		close(g->fd);
		g->fd = -1;
		return -1;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile q (0..100) of sorted v. */
static double percentile(const double *v, size_t n, double q)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)((q / 100.0) * (double)n + 0.999999);
	return v[(rank ? rank : 1) - 1];
}

/* ----------------------------------------------------------------- crowd */

/* The descriptors all this needs: the soft limit raised within the hard. */
static int raise_nofile(rlim_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
			fprintf(stderr, "crowd: %llu descriptors needed, the hard limit is %llu\n",
				(unsigned long long)need, (unsigned long long)rl.rlim_max);
			return -1;
		}
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			fprintf(stderr, "crowd: cannot raise RLIMIT_NOFILE to %llu: %s\n",
				(unsigned long long)need, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void mark_closed(struct conn *c, double t)
{
	if (c->closed_at < 0) {
		c->closed_at = t;
		close(c->fd);
		c->fd = -1;
	}
}

/* A dribbler's input: radiod's reply (its Status code kept), then EOF. */
static void dribbler_read(struct conn *c, double t)
{
	uint8_t buf[4096];
	ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
	uint32_t len;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		mark_closed(c, t);
		return;
	}
	for (ssize_t i = 0; i < n && c->reply_have < sizeof c->reply; i++)
		c->reply[c->reply_have++] = buf[i];
	if (c->reply_code >= 0 || c->reply_have < 4)
		return;
	len = (uint32_t)c->reply[0] << 24 | (uint32_t)c->reply[1] << 16 |
	      (uint32_t)c->reply[2] << 8 | c->reply[3];
	if (len > 0 && len <= sizeof c->reply - 4 && c->reply_have >= 4 + len) {
		Radio__ServerMessage *m = radio__server_message__unpack(NULL, len, c->reply + 4);

		if (m && m->msg_case == RADIO__SERVER_MESSAGE__MSG_REPLY)
			c->reply_code = m->reply->status ? (int)m->reply->status->code
							 : RADIO__STATUS__CODE__OK;
		if (m)
			radio__server_message__free_unpacked(m, NULL);
	}
}

/* Adds connections asking GetInfo until one is refused; closes the rest. */
static int overflow(const char *path)
{
	static int fds[OVERFLOW_MAX];
	uint8_t buf[64];
	int n = 0, refused = -1;

	while (n < OVERFLOW_MAX) {
		Radio__Request req = RADIO__REQUEST__INIT;
		Radio__GetInfo gi = RADIO__GET_INFO__INIT;
		int code = -1, fd = su_connect_bounded(path, CONNECT_TIMEOUT_S);
		uint32_t id;
		size_t len;

		if (fd < 0) {
			fprintf(stderr, "crowd: overflow connection %d: %s\n", n + 1,
				strerror(errno));
			break;
		}
		req.has_id = 1;
		req.id = (uint32_t)n + 1;
		req.body_case = RADIO__REQUEST__BODY_GET_INFO;
		req.get_info = &gi;
		len = su_frame_request(&req, buf, sizeof buf);
		/* A refused one may be closed before it takes the request. */
		su_send_all(fd, buf, len);
		if (read_reply(fd, GOOD_TIMEOUT_MS, &code, &id) != 0 ||
		    code != RADIO__STATUS__CODE__OK) {
			refused = code;
			close(fd);
			break;
		}
		fds[n++] = fd;
	}
	printf("overflow accepted=%d refused=%s\n", n, code_name(refused));
	fflush(stdout);
	while (n > 0)
		close(fds[--n]);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: crowd [-o] [-g PAUSE_MS] SOCKET TOTAL SECONDS\n");
}

int main(int argc, char **argv)
{
	struct good g = {0};
	struct conn *conns;
	struct pollfd *pf;
	bool probe = false;
	unsigned long total, seconds;
	uint8_t drib[64];
	size_t drib_len;
	unsigned n_kind[K_N];
	double t_conn, t0, next_tick;
	pthread_t thread;
	char *end;
	int opt;

	g.pause_ms = 2;
	while ((opt = getopt(argc, argv, "og:")) != -1) {
		switch (opt) {
		case 'o':
			probe = true;
			break;
		case 'g':
			g.pause_ms = (int)strtol(optarg, &end, 10);
			if (*end || g.pause_ms < 0 || g.pause_ms > 1000) {
				fprintf(stderr, "crowd: -g wants 0..1000 ms, not '%s'\n", optarg);
				return 2;
			}
			break;
		default:
			usage();
			return 2;
		}
	}
	if (argc - optind != 3) {
		usage();
		return 2;
	}
	g.path = argv[optind];
	total = strtoul(argv[optind + 1], &end, 10);
	if (*end || total < 3 || total > 4096) {
		fprintf(stderr, "crowd: TOTAL wants 3..4096 connections, not '%s'\n",
			argv[optind + 1]);
		return 2;
	}
	seconds = strtoul(argv[optind + 2], &end, 10);
	if (*end || seconds < 1 || seconds > 600) {
		fprintf(stderr, "crowd: SECONDS wants 1..600, not '%s'\n", argv[optind + 2]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_term);
	if (raise_nofile((rlim_t)total + (probe ? OVERFLOW_MAX : 0) + 32) < 0)
		return 1;
	n_kind[K_SUBSCRIBER] = n_kind[K_DRIBBLER] = (unsigned)(total / 3);
	n_kind[K_IDLE] = (unsigned)(total - 2 * (total / 3));
	conns = calloc(total, sizeof *conns);
	pf = calloc(total, sizeof *pf);
	if (!conns || !pf) {
		fprintf(stderr, "crowd: out of memory\n");
		return 1;
	}

	t_conn = now_s();
	for (size_t i = 0; i < total; i++) {
		struct conn *c = &conns[i];

		c->kind = i < n_kind[K_IDLE] ? K_IDLE
			  : i < n_kind[K_IDLE] + n_kind[K_SUBSCRIBER] ? K_SUBSCRIBER : K_DRIBBLER;
		c->closed_at = -1;
		c->reply_code = -1;
		c->fd = su_connect_bounded(g.path, CONNECT_TIMEOUT_S);
		if (c->fd < 0) {
			fprintf(stderr, "crowd: connection %zu of %lu: %s\n", i + 1, total,
				strerror(errno));
			return 1;
		}
		c->start = now_s();
	}
	printf("connected idle=%u subscribers=%u dribblers=%u seconds=%.2f\n", n_kind[K_IDLE],
	       n_kind[K_SUBSCRIBER], n_kind[K_DRIBBLER], now_s() - t_conn);
	fflush(stdout);
	if (good_connect(&g) < 0) {
		fprintf(stderr, "crowd: %s\n", g.error);
		return 1;
	}
	if (probe)
		overflow(g.path);

	drib_len = get_stats_frame(1, drib, sizeof drib);
	t0 = now_s();
	for (size_t i = 0; i < total; i++) {
		struct conn *c = &conns[i];
		uint8_t buf[64];

		if (c->kind == K_SUBSCRIBER) {
			Radio__Request req = RADIO__REQUEST__INIT;
			Radio__Subscribe sub = RADIO__SUBSCRIBE__INIT;

			req.has_id = 1;
			req.id = 1;
			req.body_case = RADIO__REQUEST__BODY_SUBSCRIBE;
			req.subscribe = &sub;
			sub.has_stats = sub.stats = 1;
			sub.has_meters = sub.meters = 1;
			sub.has_spectrum = sub.spectrum = 1;
			sub.has_interval_ms = 1;
			sub.interval_ms = SUB_INTERVAL_MS;
			if (su_send_all(c->fd, buf, su_frame_request(&req, buf, sizeof buf)) < 0)
				mark_closed(c, now_s());
			c->start = now_s();
		} else if (c->kind == K_DRIBBLER) {
			if (send(c->fd, drib, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
				c->sent = 1;
			c->start = now_s();
		}
	}
	printf("started\n");
	fflush(stdout);

	g.end = t0 + (double)seconds;
	if (pthread_create(&thread, NULL, good_run, &g) != 0) {
		fprintf(stderr, "crowd: cannot start the good client's thread\n");
		return 1;
	}

	next_tick = t0 + 1.0;
	while (!atomic_load(&g_stop)) {
		double t = now_s();
		nfds_t n = 0;
		int wait_ms;

		if (t >= g.end)
			break;
		if (t >= next_tick) {
			/* A dribbler's next byte; the frame over and over. */
			for (size_t i = 0; i < total; i++) {
				struct conn *c = &conns[i];

				if (c->kind != K_DRIBBLER || c->closed_at >= 0)
					continue;
				if (send(c->fd, drib + c->sent % drib_len, 1,
					 MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
					c->sent++;
			}
			next_tick += 1.0;
		}
		for (size_t i = 0; i < total; i++) {
			if (conns[i].closed_at >= 0)
				continue;
			pf[n].fd = conns[i].fd;
			/* A subscriber never reads: only a hang-up wakes it. */
			pf[n].events = conns[i].kind == K_SUBSCRIBER ? POLLRDHUP : POLLIN;
			pf[n].revents = 0;
			n++;
		}
		wait_ms = (int)(((next_tick < g.end ? next_tick : g.end) - now_s()) * 1000.0) + 1;
		if (wait_ms > 100)
			wait_ms = 100;
		if (wait_ms < 1)
			wait_ms = 1;
		if (poll(pf, n, wait_ms) < 0 && errno != EINTR) {
			fprintf(stderr, "crowd: poll: %s\n", strerror(errno));
			return 1;
		}
		t = now_s();
		n = 0;
		for (size_t i = 0; i < total; i++) {
			struct conn *c = &conns[i];
			short re;

			if (c->closed_at >= 0)
				continue;
			re = pf[n++].revents;
			if (!re)
				continue;
			if (c->kind == K_SUBSCRIBER) {
				if (re & (POLLRDHUP | POLLHUP | POLLERR))
					mark_closed(c, t);
			} else if (c->kind == K_DRIBBLER) {
				dribbler_read(c, t);
			} else {
				uint8_t b[256];
				ssize_t r = recv(c->fd, b, sizeof b, MSG_DONTWAIT);

				if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
					mark_closed(c, t);
			}
		}
	}
	atomic_store(&g_stop, true);
	pthread_join(thread, NULL);
	if (g.error) {
		fprintf(stderr, "crowd: %s\n", g.error);
		return 1;
	}

	for (int k = 0; k < K_N; k++) {
		double lo = -1, hi = -1;
		unsigned closed = 0, codes[8] = {0}, other = 0;
		char replies[160] = "";
		size_t len = 0;

		for (size_t i = 0; i < total; i++) {
			const struct conn *c = &conns[i];
			double d;

			if (c->kind != (enum kind)k || c->closed_at < 0)
				continue;
			closed++;
			d = c->closed_at - c->start;
			if (lo < 0 || d < lo)
				lo = d;
			if (d > hi)
				hi = d;
			if (c->kind != K_DRIBBLER)
				continue;
			if (c->reply_code >= 0 && c->reply_code < 8)
				codes[c->reply_code]++;
			else
				other++;
		}
		for (int code = 0; code < 8; code++) {
			if (!codes[code] || len >= sizeof replies)
				continue;
			len += (size_t)snprintf(replies + len, sizeof replies - len, "%s%s:%u",
						len ? "," : "", code_name(code), codes[code]);
		}
		if (other && len < sizeof replies)
			snprintf(replies + len, sizeof replies - len, "%snone:%u", len ? "," : "",
				 other);
		printf("kind=%s n=%u closed=%u min_s=%.2f max_s=%.2f replies=%s\n", kind_name[k],
		       n_kind[k], closed, lo < 0 ? 0 : lo, hi < 0 ? 0 : hi,
		       replies[0] ? replies : "-");
	}
	qsort(g.rtt_ms, g.n, sizeof *g.rtt_ms, cmp_double);
	printf("good requests=%zu failures=%lu p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", g.n,
	       g.failures, percentile(g.rtt_ms, g.n, 50), percentile(g.rtt_ms, g.n, 99),
	       g.n ? g.rtt_ms[g.n - 1] : 0.0);
	fflush(stdout);
	for (size_t i = 0; i < total; i++)
		if (conns[i].fd >= 0)
			close(conns[i].fd);
	free(conns);
	free(pf);
	free(g.rtt_ms);
	return 0;
}

/*
 * metrics.c - the Prometheus endpoint on evhttp (see metrics.h).
 */
#include "daemon/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "proto/metrics_text.h"

#define LISTEN_BACKLOG 16

struct metrics {
	struct evhttp *http;
	metrics_stats_fn stats;
	void *arg;
	const struct log *log;
	uint16_t port;
};

static void reply_text(struct evhttp_request *req, int code, const char *reason,
		       const char *text)
{
	struct evbuffer *body = evhttp_request_get_output_buffer(req);

	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "text/plain; charset=utf-8");
	evbuffer_add(body, text, strlen(text));
	evhttp_send_reply(req, code, reason, NULL);
}

static void free_text(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	free((void *)data);
}

static void on_metrics(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const Radio__Stats *s;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		reply_text(req, 405, "Method Not Allowed", "/metrics answers GET and HEAD\n");
		return;
	}
	s = m->stats(m->arg);
	if (!s) {
		reply_text(req, 503, "Service Unavailable", "no statistics yet\n");
		return;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		reply_text(req, 500, "Internal Server Error", "out of memory\n");
		return;
	}
	r = metrics_text_write(f, s);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		if (m->log)
			log_warning(m->log, "metrics: cannot format the statistics: %s", strerror(-r));
		free(text);
		reply_text(req, 500, "Internal Server Error", "cannot format the statistics\n");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  METRICS_TEXT_CONTENT_TYPE);
	/* The buffer takes the text over and frees it once sent. */
	if (evbuffer_add_reference(evhttp_request_get_output_buffer(req), text, len, free_text,
				   NULL) < 0) {
		free(text);
		reply_text(req, 500, "Internal Server Error", "out of memory\n");
		return;
	}
	evhttp_send_reply(req, HTTP_OK, "OK", NULL);
}

/* Anything but /metrics. */
static void on_other(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;

	if (m->log)
		log_debug(m->log, "metrics: %s: not found", evhttp_request_get_uri(req));
	reply_text(req, HTTP_NOTFOUND, "Not Found", "radiod serves /metrics only\n");
}

/* A listening TCP socket on host:port; the caller names the address in
 * messages.  Returns the descriptor or a negative errno with what failed. */
static int listen_on(const char *host, uint16_t port, const char **what)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1, e;

	memset(&ss, 0, sizeof ss);
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		len = sizeof *a;
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
			*what = "not a numeric IPv6 address";
			return -EINVAL;
		}
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		len = sizeof *a;
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
			*what = "not a numeric IPv4 address";
			return -EINVAL;
		}
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*what = "socket";
		return -errno;
	}
	/* A restarted radiod gets its port back while old connections linger
	 * in TIME_WAIT. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
		*what = "SO_REUSEADDR";
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		*what = "bind";
		goto fail;
	}
	if (listen(fd, LISTEN_BACKLOG) < 0) {
		*what = "listen";
		goto fail;
	}
	return fd;
fail:
	e = errno;
	close(fd);
	return -e;
}

static uint16_t bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

struct metrics *metrics_create(struct event_base *base, const char *host, uint16_t port,
			       metrics_stats_fn stats, void *arg, const struct log *lg, char *err,
			       size_t err_len)
{
	struct metrics *m = calloc(1, sizeof *m);
	const char *what = "";
	int fd;

	if (!m) {
		snprintf(err, err_len, "metrics: out of memory");
		return NULL;
	}
	m->stats = stats;
	m->arg = arg;
	m->log = lg;
	m->http = evhttp_new(base);
	if (!m->http) {
		snprintf(err, err_len, "metrics: cannot create the HTTP server");
		free(m);
		return NULL;
	}
	evhttp_set_timeout(m->http, METRICS_TIMEOUT_S);
	evhttp_set_max_headers_size(m->http, METRICS_MAX_HEADERS_SIZE);
	/* A scrape has no body: anything sent with one is refused unread. */
	evhttp_set_max_body_size(m->http, 0);
	if (evhttp_set_cb(m->http, "/metrics", on_metrics, m) != 0) {
		snprintf(err, err_len, "metrics: cannot set up the /metrics handler");
		metrics_destroy(m);
		return NULL;
	}
	evhttp_set_gencb(m->http, on_other, m);

	fd = listen_on(host, port, &what);
	if (fd < 0) {
		snprintf(err, err_len, "metrics: cannot listen on %s%s%s:%u: %s: %s%s",
			 strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
			 (unsigned)port, what, strerror(-fd),
			 fd == -EADDRINUSE ? " (choose another [metrics] listen)" : "");
		metrics_destroy(m);
		return NULL;
	}
	m->port = bound_port(fd);
	/* evhttp owns the socket from here and closes it at evhttp_free. */
	if (!evhttp_accept_socket_with_handle(m->http, fd)) {
		close(fd);
		snprintf(err, err_len, "metrics: cannot serve on %s:%u", host, (unsigned)m->port);
		metrics_destroy(m);
		return NULL;
	}
	return m;
}

void metrics_destroy(struct metrics *m)
{
	if (!m)
		return;
	if (m->http)
		evhttp_free(m->http);
	free(m);
}

uint16_t metrics_port(const struct metrics *m)
{
	return m->port;
}

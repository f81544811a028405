/*
 * test_daemon_control - the control server (daemon/control.h) on a real Unix
 * socket in a temporary directory, with a stub request handler.  The test
 * is the client; the server's event loop is pumped from the same thread, so
 * nothing here races.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/control.h"
#include "daemon/frame.h"
#include "daemon/log.h"

#define BIG_EVENT_FLOATS 3000

struct fixture {
	char dir[64];
	char path[96];
	struct event_base *base;
	struct control *ctl;
	struct log log;
	Radio__ServerMessage sm;
	Radio__Reply reply;
	Radio__Status status;
	Radio__ServerMessage ev_sm;
	Radio__Event ev;
	Radio__Spectrum spectrum;
	float floats[BIG_EVENT_FLOATS];
	int requests;
};

static Radio__ServerMessage *stub_request(void *arg, struct control_peer *peer,
					  const Radio__Request *req)
{
	struct fixture *f = arg;

	f->requests++;
	radio__server_message__init(&f->sm);
	radio__reply__init(&f->reply);
	radio__status__init(&f->status);
	f->sm.msg_case = RADIO__SERVER_MESSAGE__MSG_REPLY;
	f->sm.reply = &f->reply;
	f->reply.has_id = req->has_id;
	f->reply.id = req->id;
	f->reply.status = &f->status;
	f->status.has_code = true;
	f->status.code = req->body_case == RADIO__REQUEST__BODY__NOT_SET
				 ? RADIO__STATUS__CODE__UNKNOWN_REQUEST
				 : RADIO__STATUS__CODE__OK;
	if (req->body_case == RADIO__REQUEST__BODY_SUBSCRIBE)
		control_subscribe(peer, false, false, true, req->subscribe->interval_ms);
	return &f->sm;
}

/* A large spectrum event, so a subscriber that does not read fills up fast. */
static Radio__ServerMessage *stub_event(void *arg, enum control_event_kind kind)
{
	struct fixture *f = arg;

	(void)kind;
	radio__server_message__init(&f->ev_sm);
	radio__event__init(&f->ev);
	radio__spectrum__init(&f->spectrum);
	f->spectrum.n_band_db = BIG_EVENT_FLOATS;
	f->spectrum.band_db = f->floats;
	f->ev.body_case = RADIO__EVENT__BODY_SPECTRUM;
	f->ev.spectrum = &f->spectrum;
	f->ev_sm.msg_case = RADIO__SERVER_MESSAGE__MSG_EVENT;
	f->ev_sm.event = &f->ev;
	return &f->ev_sm;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void pump(struct fixture *f, double seconds)
{
	double end = now_s() + seconds;

	do {
		event_base_loop(f->base, EVLOOP_NONBLOCK);
		usleep(1000);
	} while (now_s() < end);
}

static int start_server(struct fixture *f, uint32_t max_clients, uint32_t idle_s,
			size_t out_limit)
{
	struct control_limits limits = {max_clients, idle_s, out_limit};
	struct control_handler handler = {stub_request, stub_event, f, NULL};
	const char *err = NULL;
	char msg[256];
	int fd = control_socket_open(f->path, CONTROL_SOCKET_MODE, (gid_t)-1, msg, sizeof msg);

	if (fd < 0)
		return -1;
	f->ctl = control_create(f->base, fd, f->path, &limits, &handler, &f->log, &err);
	return f->ctl ? 0 : -1;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/radiod-ctl-test.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/run/control.sock", f->dir);
	f->base = event_base_new();
	log_init(&f->log, "test", STDERR_FILENO, false);
	f->log.threshold = LOG_LEVEL_ERROR;
	*state = f;
	return f->base ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	control_destroy(f->ctl);
	event_base_free(f->base);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int client(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

static void send_bytes(int fd, const void *buf, size_t n)
{
	assert_int_equal(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void send_request(int fd, uint32_t id, bool with_body)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetInfo gi = RADIO__GET_INFO__INIT;
	uint8_t buf[64];
	size_t n;

	req.has_id = true;
	req.id = id;
	if (with_body) {
		req.body_case = RADIO__REQUEST__BODY_GET_INFO;
		req.get_info = &gi;
	}
	n = radio__request__get_packed_size(&req);
	frame_write_header(buf, n);
	radio__request__pack(&req, buf + 4);
	send_bytes(fd, buf, n + 4);
}

/*
 * Reads one frame from fd while pumping the server.  Returns the message,
 * or NULL with *eof set when the server closed the connection.
 */
static Radio__ServerMessage *receive(struct fixture *f, int fd, bool *eof)
{
	uint8_t hdr[4];
	uint8_t *body = NULL;
	size_t have = 0, want = 4;
	double end = now_s() + 5.0;

	*eof = false;
	while (now_s() < end) {
		struct pollfd pfd = {fd, POLLIN, 0};
		ssize_t r;

		event_base_loop(f->base, EVLOOP_NONBLOCK);
		if (poll(&pfd, 1, 1) <= 0)
			continue;
		r = recv(fd, have < 4 ? hdr + have : body + have - 4, want - have, 0);
		if (r == 0) {
			*eof = true;
			free(body);
			return NULL;
		}
		if (r < 0)
			continue;
		have += (size_t)r;
		if (have == 4 && want == 4) {
			uint32_t len = frame_read_header(hdr);

			assert_true(len >= 1 && len <= FRAME_MAX_PAYLOAD);
			body = malloc(len);
			want = 4 + len;
		}
		if (have == want && want > 4) {
			Radio__ServerMessage *m = radio__server_message__unpack(NULL, want - 4, body);

			free(body);
			return m;
		}
	}
	fail_msg("no frame within 5 s");
	return NULL;
}

static Radio__Status__Code receive_status(struct fixture *f, int fd, char *msg, size_t len)
{
	bool eof;
	Radio__ServerMessage *m = receive(f, fd, &eof);
	Radio__Status__Code code;

	assert_non_null(m);
	assert_int_equal(m->msg_case, RADIO__SERVER_MESSAGE__MSG_REPLY);
	assert_non_null(m->reply->status);
	code = m->reply->status->code;
	if (msg)
		snprintf(msg, len, "%s", m->reply->status->message ? m->reply->status->message : "");
	radio__server_message__free_unpacked(m, NULL);
	return code;
}

static void assert_closed(struct fixture *f, int fd)
{
	bool eof;
	Radio__ServerMessage *m = receive(f, fd, &eof);

	assert_null(m);
	assert_true(eof);
}

/* ---------------------------------------------------------- socket file */

static void test_a_path_too_long_for_sockaddr_un_is_refused(void **state)
{
	char path[200], msg[256];

	(void)state;
	memset(path, 'x', sizeof path);
	path[0] = '/';
	path[sizeof path - 1] = '\0';
	assert_int_equal(control_socket_open(path, CONTROL_SOCKET_MODE, (gid_t)-1, msg,
					     sizeof msg),
			 -ENAMETOOLONG);
	assert_non_null(strstr(msg, "holds 107"));
}

static void test_the_socket_directory_is_created_and_the_socket_is_0660(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	char dir[160];

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	snprintf(dir, sizeof dir, "%s/run", f->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, CONTROL_SOCKET_MODE);
}

static void test_a_stale_socket_file_is_replaced(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[160];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(dir, sizeof dir, "%s/run", f->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", f->path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);	/* the file stays, nobody listens */
	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	fd = client(f->path);
	send_request(fd, 1, true);
	assert_int_equal(receive_status(f, fd, NULL, 0), RADIO__STATUS__CODE__OK);
	close(fd);
}

static void test_a_live_socket_is_refused(void **state)
{
	struct fixture *f = *state;
	char msg[256];

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	assert_int_equal(control_socket_open(f->path, CONTROL_SOCKET_MODE, (gid_t)-1, msg,
					     sizeof msg),
			 -EADDRINUSE);
	assert_non_null(strstr(msg, "another radiod is listening on"));
}

static void test_a_file_that_is_not_a_socket_is_left_alone(void **state)
{
	struct fixture *f = *state;
	char dir[160], msg[256];
	FILE *file;

	snprintf(dir, sizeof dir, "%s/run", f->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	file = fopen(f->path, "w");
	assert_non_null(file);
	fclose(file);
	assert_int_equal(control_socket_open(f->path, CONTROL_SOCKET_MODE, (gid_t)-1, msg,
					     sizeof msg),
			 -EEXIST);
	assert_non_null(strstr(msg, "is not a socket"));
}

static void test_destroy_removes_the_socket_file(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	control_destroy(f->ctl);
	f->ctl = NULL;
	assert_int_equal(lstat(f->path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

/* -------------------------------------------------------------- frames */

static void test_each_request_gets_a_reply_with_its_id(void **state)
{
	struct fixture *f = *state;
	bool eof;
	int fd;

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	fd = client(f->path);
	send_request(fd, 7, true);
	send_request(fd, 8, true);
	for (uint32_t id = 7; id <= 8; id++) {
		Radio__ServerMessage *m = receive(f, fd, &eof);

		assert_non_null(m);
		assert_int_equal(m->reply->id, id);
		assert_int_equal(m->reply->status->code, RADIO__STATUS__CODE__OK);
		radio__server_message__free_unpacked(m, NULL);
	}
	close(fd);
}

static void test_an_unknown_request_keeps_the_connection(void **state)
{
	struct fixture *f = *state;
	int fd;

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	fd = client(f->path);
	send_request(fd, 1, false);
	assert_int_equal(receive_status(f, fd, NULL, 0), RADIO__STATUS__CODE__UNKNOWN_REQUEST);
	send_request(fd, 2, true);
	assert_int_equal(receive_status(f, fd, NULL, 0), RADIO__STATUS__CODE__OK);
	close(fd);
}

static void test_an_oversize_length_is_malformed_and_closes(void **state)
{
	struct fixture *f = *state;
	uint8_t hdr[4] = {0x00, 0x01, 0x00, 0x01};	/* 65537 */
	struct control_counters n;
	char msg[256];
	int fd;

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	fd = client(f->path);
	send_bytes(fd, hdr, sizeof hdr);
	assert_int_equal(receive_status(f, fd, msg, sizeof msg), RADIO__STATUS__CODE__MALFORMED);
	assert_non_null(strstr(msg, "65537"));
	assert_closed(f, fd);
	control_get_counters(f->ctl, &n);
	assert_int_equal(n.client_errors, 1);
	close(fd);
}

static void test_an_empty_frame_is_malformed_and_closes(void **state)
{
	struct fixture *f = *state;
	uint8_t hdr[4] = {0, 0, 0, 0};
	int fd;

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	fd = client(f->path);
	send_bytes(fd, hdr, sizeof hdr);
	assert_int_equal(receive_status(f, fd, NULL, 0), RADIO__STATUS__CODE__MALFORMED);
	assert_closed(f, fd);
	close(fd);
}

static void test_garbage_is_malformed_and_only_that_client_goes(void **state)
{
	struct fixture *f = *state;
	uint8_t junk[] = {0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff};
	int bad, good;

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	good = client(f->path);
	bad = client(f->path);
	send_bytes(bad, junk, sizeof junk);
	assert_int_equal(receive_status(f, bad, NULL, 0), RADIO__STATUS__CODE__MALFORMED);
	assert_closed(f, bad);
	send_request(good, 3, true);
	assert_int_equal(receive_status(f, good, NULL, 0), RADIO__STATUS__CODE__OK);
	close(bad);
	close(good);
}

static void test_replies_go_out_after_the_client_shuts_down_its_side(void **state)
{
	struct fixture *f = *state;
	int fd;

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	fd = client(f->path);
	send_request(fd, 5, true);
	shutdown(fd, SHUT_WR);
	assert_int_equal(receive_status(f, fd, NULL, 0), RADIO__STATUS__CODE__OK);
	assert_closed(f, fd);
	close(fd);
}

/* -------------------------------------------------------------- limits */

static void test_one_client_too_many_is_told_and_closed(void **state)
{
	struct fixture *f = *state;
	struct control_counters n;
	int a, b, c;

	assert_int_equal(start_server(f, 2, 0, 65536), 0);
	a = client(f->path);
	b = client(f->path);
	pump(f, 0.05);
	c = client(f->path);
	assert_int_equal(receive_status(f, c, NULL, 0), RADIO__STATUS__CODE__RESOURCE_EXHAUSTED);
	assert_closed(f, c);
	control_get_counters(f->ctl, &n);
	assert_int_equal(n.clients, 2);
	assert_int_equal(n.clients_dropped, 1);
	send_request(a, 1, true);
	assert_int_equal(receive_status(f, a, NULL, 0), RADIO__STATUS__CODE__OK);
	close(a);
	close(b);
	close(c);
}

static void test_an_idle_client_is_closed(void **state)
{
	struct fixture *f = *state;
	double t0;
	int fd;

	assert_int_equal(start_server(f, 4, 1, 65536), 0);
	fd = client(f->path);
	t0 = now_s();
	assert_closed(f, fd);
	print_message("idle client closed after %.2f s (timeout 1 s)\n", now_s() - t0);
	assert_true(now_s() - t0 >= 0.9);
	close(fd);
}

/* A GetInfo request with its header, in buf (64 bytes); its length. */
static size_t request_frame(uint32_t id, uint8_t *buf)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetInfo gi = RADIO__GET_INFO__INIT;
	size_t n;

	req.has_id = true;
	req.id = id;
	req.body_case = RADIO__REQUEST__BODY_GET_INFO;
	req.get_info = &gi;
	n = radio__request__get_packed_size(&req);
	assert_true(n + 4 <= 64);
	frame_write_header(buf, n);
	radio__request__pack(&req, buf + 4);
	return n + 4;
}

/* Pumps the server until fd has something to read or seconds pass. */
static bool pump_until_readable(struct fixture *f, int fd, double seconds)
{
	double end = now_s() + seconds;

	do {
		struct pollfd pfd = {fd, POLLIN, 0};

		event_base_loop(f->base, EVLOOP_NONBLOCK);
		if (poll(&pfd, 1, 1) > 0)
			return true;
	} while (now_s() < end);
	return false;
}

static void test_a_frame_sent_a_byte_a_second_is_dropped_at_the_frame_timeout(void **state)
{
	struct fixture *f = *state;
	struct control_counters n;
	uint8_t buf[64];
	size_t len, sent = 0;
	double t0, took;
	char msg[256];
	int fd;

	/* No idle timeout: only the frame deadline can close it. */
	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	fd = client(f->path);
	len = request_frame(1, buf);
	/* Whole only after len - 1 seconds: past the deadline. */
	assert_true(len - 1 > CONTROL_FRAME_TIMEOUT_S);
	t0 = now_s();
	while (sent < len && now_s() - t0 < CONTROL_FRAME_TIMEOUT_S + 3) {
		if (now_s() >= t0 + (double)sent)
			send_bytes(fd, buf + sent++, 1);
		if (pump_until_readable(f, fd, 0.01))
			break;
	}
	took = now_s() - t0;
	print_message("closed %.2f s after the first byte, %zu of %zu bytes sent (deadline %d s)\n",
		      took, sent, len, CONTROL_FRAME_TIMEOUT_S);
	assert_int_equal(receive_status(f, fd, msg, sizeof msg), RADIO__STATUS__CODE__MALFORMED);
	assert_non_null(strstr(msg, "frame incomplete"));
	assert_closed(f, fd);
	assert_true(took >= CONTROL_FRAME_TIMEOUT_S - 0.05);
	assert_true(took <= CONTROL_FRAME_TIMEOUT_S + 1.0);
	assert_true(sent < len);
	control_get_counters(f->ctl, &n);
	assert_int_equal(n.clients_dropped, 1);
	assert_int_equal(n.client_errors, 0);
	close(fd);
}

static void test_the_frame_timeout_runs_per_frame_not_per_connection(void **state)
{
	struct fixture *f = *state;
	struct control_counters n;
	uint8_t stream[4 * 64];
	size_t len = 0, sent = 0;
	double t0;
	int fd;

	assert_int_equal(start_server(f, 4, 0, 65536), 0);
	fd = client(f->path);
	for (uint32_t id = 1; id <= 4; id++)
		len += request_frame(id, stream + len);
	/* 3 bytes every 0.6 s: each frame is in within 2 s, the stream takes
	 * longer than one deadline, and pieces straddle frames (a frame ends
	 * and the next begins in one read). */
	assert_true(len % 3 != 0 && (len / 3) * 0.6 > CONTROL_FRAME_TIMEOUT_S);
	t0 = now_s();
	while (sent < len) {
		if (now_s() >= t0 + 0.6 * (double)(sent / 3)) {
			size_t k = len - sent < 3 ? len - sent : 3;

			send_bytes(fd, stream + sent, k);
			sent += k;
		}
		pump(f, 0.01);
	}
	print_message("4 frames sent over %.2f s\n", now_s() - t0);
	for (uint32_t id = 1; id <= 4; id++) {
		bool eof;
		Radio__ServerMessage *m = receive(f, fd, &eof);

		assert_non_null(m);
		assert_int_equal(m->reply->id, id);
		assert_int_equal(m->reply->status->code, RADIO__STATUS__CODE__OK);
		radio__server_message__free_unpacked(m, NULL);
	}
	send_request(fd, 5, true);
	assert_int_equal(receive_status(f, fd, NULL, 0), RADIO__STATUS__CODE__OK);
	control_get_counters(f->ctl, &n);
	assert_int_equal(n.clients_dropped, 0);
	close(fd);
}

static void test_a_subscriber_that_does_not_read_loses_events_then_goes(void **state)
{
	struct fixture *f = *state;
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__Subscribe sub = RADIO__SUBSCRIBE__INIT;
	struct control_counters n = {0};
	uint8_t buf[64];
	int rcvbuf = 4096, slow, fast;
	size_t len;
	double t0;

	assert_int_equal(start_server(f, 4, 0, 16384), 0);
	slow = client(f->path);
	setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	req.has_id = true;
	req.id = 1;
	req.body_case = RADIO__REQUEST__BODY_SUBSCRIBE;
	req.subscribe = &sub;
	sub.has_spectrum = sub.spectrum = true;
	sub.has_interval_ms = true;
	sub.interval_ms = 20;
	len = radio__request__get_packed_size(&req);
	frame_write_header(buf, len);
	radio__request__pack(&req, buf + 4);
	send_bytes(slow, buf, len + 4);

	fast = client(f->path);
	t0 = now_s();
	while (now_s() - t0 < 20) {
		/* Another client is served all along. */
		send_request(fast, 9, true);
		assert_int_equal(receive_status(f, fast, NULL, 0), RADIO__STATUS__CODE__OK);
		pump(f, 0.05);
		control_get_counters(f->ctl, &n);
		if (n.clients_dropped)
			break;
	}
	print_message("slow subscriber dropped after %.2f s, %llu events lost\n", now_s() - t0,
		      (unsigned long long)n.events_dropped);
	assert_int_equal(n.clients_dropped, 1);
	assert_true(n.events_dropped >= CONTROL_MAX_CONSECUTIVE_DROPS);
	assert_int_equal(n.clients, 1);
	close(slow);
	close(fast);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_path_too_long_for_sockaddr_un_is_refused),
		T(test_the_socket_directory_is_created_and_the_socket_is_0660),
		T(test_a_stale_socket_file_is_replaced),
		T(test_a_live_socket_is_refused),
		T(test_a_file_that_is_not_a_socket_is_left_alone),
		T(test_destroy_removes_the_socket_file),
		T(test_each_request_gets_a_reply_with_its_id),
		T(test_an_unknown_request_keeps_the_connection),
		T(test_an_oversize_length_is_malformed_and_closes),
		T(test_an_empty_frame_is_malformed_and_closes),
		T(test_garbage_is_malformed_and_only_that_client_goes),
		T(test_replies_go_out_after_the_client_shuts_down_its_side),
		T(test_one_client_too_many_is_told_and_closed),
		T(test_an_idle_client_is_closed),
		T(test_a_subscriber_that_does_not_read_loses_events_then_goes),
		T(test_a_frame_sent_a_byte_a_second_is_dropped_at_the_frame_timeout),
		T(test_the_frame_timeout_runs_per_frame_not_per_connection),
	};
#undef T

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

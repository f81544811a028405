/*
 * test_client_framing - libradioclient against a fake radiod on a
 * socketpair: frames, reply matching by id, events queued while a reply is
 * awaited, timeouts, size limits, and a peer that goes away.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clients/radioclient.h"
#include "tests/client_fakeserver.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A client connected to a fake server running script. */
static struct radioclient *client_for(void (*script)(struct fake_server *), void *arg,
				      struct fake_server **fs)
{
	struct radioclient *rc = radioclient_create();
	int fd;

	assert_non_null(rc);
	*fs = fake_start_pair(script, arg, &fd);
	assert_int_equal(radioclient_adopt_fd(rc, fd), 0);
	return rc;
}

static void finish(struct radioclient *rc, struct fake_server *fs)
{
	radioclient_close(rc);
	fake_join(fs);
	fake_free(fs);
}

static void send_info(struct fake_server *fs, uint32_t id, const char *version)
{
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Info info = RADIO__INFO__INIT;

	info.daemon_version = (char *)version;
	r.has_id = 1;
	r.id = id;
	r.body_case = RADIO__REPLY__BODY_INFO;
	r.info = &info;
	fake_send_reply(fs, &r);
}

static void send_stats_event(struct fake_server *fs, uint64_t callbacks)
{
	Radio__Event e = RADIO__EVENT__INIT;
	Radio__Stats st = RADIO__STATS__INIT;

	st.has_callbacks = 1;
	st.callbacks = callbacks;
	e.body_case = RADIO__EVENT__BODY_STATS;
	e.stats = &st;
	fake_send_event(fs, &e);
}

/* ------------------------------------------------------------ the handle */

static void test_close_and_free_accept_null(void **state)
{
	(void)state;
	radioclient_close(NULL);
	radioclient_reply_free(NULL);
	radioclient_event_free(NULL);
	assert_string_equal(radioclient_error(NULL), "");
}

static void test_connect_to_a_missing_socket_names_path_and_hint(void **state)
{
	(void)state;
	struct radioclient *rc = radioclient_create();

	assert_int_equal(radioclient_connect(rc, "/nonexistent/radiod.sock"), -ENOENT);
	assert_string_equal(radioclient_error(rc),
			    "cannot connect to /nonexistent/radiod.sock: No such file or "
			    "directory (is radiod running?)");
	radioclient_close(rc);
}

static void test_connect_refuses_a_path_too_long_for_a_socket(void **state)
{
	(void)state;
	struct radioclient *rc = radioclient_create();
	char path[300];

	memset(path, 'a', sizeof path - 1);
	path[0] = '/';
	path[sizeof path - 1] = '\0';
	assert_int_equal(radioclient_connect(rc, path), -ENAMETOOLONG);
	assert_non_null(strstr(radioclient_error(rc), "too long"));
	radioclient_close(rc);
}

static void test_calls_on_an_unconnected_handle_say_so(void **state)
{
	(void)state;
	struct radioclient *rc = radioclient_create();
	Radio__Reply *reply = (Radio__Reply *)1;

	assert_int_equal(radioclient_get_info(rc, &reply), -ENOTCONN);
	assert_null(reply);
	assert_string_equal(radioclient_error(rc), "get_info: not connected to radiod");
	radioclient_close(rc);
}

static void answer_info(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (req)
		send_info(fs, req->id, "listening");
	fake_wait_eof(fs);
}

static void test_connect_with_null_path_uses_radiod_socket(void **state)
{
	(void)state;
	char dir[] = "/tmp/radioclient-test-XXXXXX", path[128];
	struct radioclient *rc = radioclient_create();
	struct fake_server *fs;
	Radio__Reply *reply;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/control.sock", dir);
	fs = fake_start_listen(path, answer_info, NULL);
	setenv("RADIOD_SOCKET", path, 1);
	assert_int_equal(radioclient_connect(rc, NULL), 0);
	unsetenv("RADIOD_SOCKET");
	assert_string_equal(radioclient_path(rc), path);
	assert_int_equal(radioclient_get_info(rc, &reply), 0);
	assert_string_equal(reply->info->daemon_version, "listening");
	radioclient_reply_free(reply);
	finish(rc, fs);
	unlink(path);
	rmdir(dir);
}

/* --------------------------------------------------------- request/reply */

static void echo_set_volume(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Volume v = RADIO__VOLUME__INIT;

	if (!req || req->body_case != RADIO__REQUEST__BODY_SET_VOLUME)
		return;
	v.has_db = 1;
	v.db = req->set_volume->db;
	r.has_id = 1;
	r.id = req->id;
	r.body_case = RADIO__REPLY__BODY_VOLUME;
	r.volume = &v;
	fake_send_reply(fs, &r);
	fake_wait_eof(fs);
}

static void test_request_is_framed_with_an_id_and_its_fields(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(echo_set_volume, NULL, &fs);
	Radio__Reply *reply;
	Radio__Request *seen;

	assert_int_equal(radioclient_set_volume(rc, -6.5, 200, &reply), 0);
	assert_int_equal(reply->body_case, RADIO__REPLY__BODY_VOLUME);
	assert_true(reply->volume->db == -6.5);
	radioclient_reply_free(reply);
	radioclient_close(rc);
	fake_join(fs);
	assert_int_equal(fs->n_requests, 1);
	seen = fs->requests[0];
	assert_true(seen->has_id);
	assert_int_equal(seen->body_case, RADIO__REQUEST__BODY_SET_VOLUME);
	assert_true(seen->set_volume->has_db && seen->set_volume->db == -6.5);
	assert_true(seen->set_volume->has_ramp_ms && seen->set_volume->ramp_ms == 200);
	fake_free(fs);
}

static void stale_then_right(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (!req)
		return;
	send_info(fs, req->id + 100, "stale");
	send_info(fs, req->id - 1, "older");
	send_info(fs, req->id, "right");
	fake_wait_eof(fs);
}

static void test_replies_with_another_id_are_dropped(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(stale_then_right, NULL, &fs);
	Radio__Reply *reply;

	assert_int_equal(radioclient_get_info(rc, &reply), 0);
	assert_string_equal(reply->info->daemon_version, "right");
	radioclient_reply_free(reply);
	finish(rc, fs);
}

static void record_requests(struct fake_server *fs)
{
	Radio__Request *req;

	while ((req = fake_read_request(fs)))
		fake_send_ok(fs, req->id);
}

static void test_each_request_gets_a_new_id(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(record_requests, NULL, &fs);

	assert_int_equal(radioclient_reset_stats(rc), 0);
	assert_int_equal(radioclient_stop_signal(rc), 0);
	assert_int_equal(radioclient_set_mute(rc, true, NULL), 0);
	radioclient_close(rc);
	fake_join(fs);
	assert_int_equal(fs->n_requests, 3);
	assert_true(fs->requests[0]->has_id);
	assert_int_not_equal(fs->requests[0]->id, fs->requests[1]->id);
	assert_int_not_equal(fs->requests[1]->id, fs->requests[2]->id);
	assert_int_equal(fs->requests[2]->body_case, RADIO__REQUEST__BODY_SET_MUTE);
	assert_true(fs->requests[2]->set_mute->has_mute && fs->requests[2]->set_mute->mute);
	fake_free(fs);
}

static void events_then_reply(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (!req)
		return;
	send_stats_event(fs, 1);
	send_stats_event(fs, 2);
	send_info(fs, req->id, "after events");
	fake_wait_eof(fs);
}

static void test_events_arriving_before_the_reply_are_queued_in_order(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(events_then_reply, NULL, &fs);
	Radio__Reply *reply;
	Radio__Event *ev;

	assert_int_equal(radioclient_get_info(rc, &reply), 0);
	assert_string_equal(reply->info->daemon_version, "after events");
	radioclient_reply_free(reply);

	assert_int_equal(radioclient_next_event(rc, &ev, 0), 0);
	assert_int_equal(ev->body_case, RADIO__EVENT__BODY_STATS);
	assert_int_equal(ev->stats->callbacks, 1);
	radioclient_event_free(ev);
	assert_int_equal(radioclient_next_event(rc, &ev, 0), 0);
	assert_int_equal(ev->stats->callbacks, 2);
	radioclient_event_free(ev);
	assert_int_equal(radioclient_next_event(rc, &ev, 0), -ETIMEDOUT);
	assert_null(ev);
	finish(rc, fs);
}

static void subscribe_then_push_later(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (!req)
		return;
	fake_send_ok(fs, req->id);
	fake_sleep_ms(50);
	send_stats_event(fs, 42);
	fake_wait_eof(fs);
}

static void test_next_event_waits_for_a_pushed_event(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(subscribe_then_push_later, NULL, &fs);
	Radio__Event *ev;

	assert_int_equal(radioclient_subscribe(rc, true, false, false, 100), 0);
	assert_int_equal(radioclient_next_event(rc, &ev, 5000), 0);
	assert_int_equal(ev->stats->callbacks, 42);
	radioclient_event_free(ev);
	radioclient_close(rc);
	fake_join(fs);
	assert_int_equal(fs->requests[0]->body_case, RADIO__REQUEST__BODY_SUBSCRIBE);
	assert_true(fs->requests[0]->subscribe->stats);
	assert_false(fs->requests[0]->subscribe->meters);
	assert_int_equal(fs->requests[0]->subscribe->interval_ms, 100);
	fake_free(fs);
}

static void flood_events(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (!req)
		return;
	for (uint64_t i = 1; i <= RADIOCLIENT_EVENT_QUEUE_MAX + 6; i++)
		send_stats_event(fs, i);
	fake_send_ok(fs, req->id);
	fake_wait_eof(fs);
}

static void test_a_full_event_queue_drops_the_oldest_and_counts(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(flood_events, NULL, &fs);
	Radio__Event *ev;

	assert_int_equal(radioclient_reset_stats(rc), 0);
	assert_int_equal(radioclient_events_dropped(rc), 6);
	assert_int_equal(radioclient_next_event(rc, &ev, 0), 0);
	assert_int_equal(ev->stats->callbacks, 7);
	radioclient_event_free(ev);
	finish(rc, fs);
}

static void refuse(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (req)
		fake_send_refusal(fs, req->id, RADIO__STATUS__CODE__INVALID_ARGUMENT,
				  "set_band: band 9 out of range 0..7");
	fake_wait_eof(fs);
}

static void test_a_refusal_gives_the_status_and_its_message(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(refuse, NULL, &fs);
	Radio__SetBand band = RADIO__SET_BAND__INIT;
	Radio__Reply *reply = (Radio__Reply *)1;

	band.has_index = 1;
	band.index = 9;
	assert_int_equal(radioclient_set_band(rc, &band, &reply), -EREMOTEIO);
	assert_null(reply);
	assert_string_equal(radioclient_error(rc), "set_band: band 9 out of range 0..7");
	assert_int_equal(radioclient_status(rc), RADIO__STATUS__CODE__INVALID_ARGUMENT);
	assert_string_equal(radioclient_status_name(radioclient_status(rc)), "INVALID_ARGUMENT");
	finish(rc, fs);
}

static void malformed_without_id(struct fake_server *fs)
{
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Status st = RADIO__STATUS__INIT;

	if (!fake_read_request(fs))
		return;
	st.has_code = 1;
	st.code = RADIO__STATUS__CODE__MALFORMED;
	r.status = &st;
	fake_send_reply(fs, &r);
}

static void test_a_reply_without_id_answers_the_outstanding_request(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(malformed_without_id, NULL, &fs);

	assert_int_equal(radioclient_get_eq(rc, NULL), -EREMOTEIO);
	assert_string_equal(radioclient_error(rc), "get_eq: radiod refused it (MALFORMED)");
	finish(rc, fs);
}

static void ok_without_body(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (req)
		fake_send_ok(fs, req->id);
	fake_wait_eof(fs);
}

static void test_a_reply_missing_the_needed_body_is_a_protocol_error(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(ok_without_body, NULL, &fs);
	Radio__Reply *reply = (Radio__Reply *)1;

	assert_int_equal(radioclient_get_stats(rc, true, &reply), -EPROTO);
	assert_null(reply);
	assert_string_equal(radioclient_error(rc),
			    "get_stats: protocol error: the reply carries no stats");
	finish(rc, fs);
}

static void test_a_request_over_the_limit_is_not_sent(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(record_requests, NULL, &fs);
	Radio__InjectSignal sig = RADIO__INJECT_SIGNAL__INIT;
	size_t n = RADIOCLIENT_MAX_REQUEST / 8;
	double *tones = calloc(n, sizeof *tones);

	for (size_t i = 0; i < n; i++)
		tones[i] = 1000.5;
	sig.n_tone_hz = n;
	sig.tone_hz = tones;
	assert_int_equal(radioclient_inject(rc, &sig, NULL), -EMSGSIZE);
	assert_non_null(strstr(radioclient_error(rc), "inject_signal: request too large"));
	/* Nothing was sent, so the connection still works. */
	assert_int_equal(radioclient_stop_signal(rc), 0);
	radioclient_close(rc);
	fake_join(fs);
	assert_int_equal(fs->n_requests, 1);
	assert_int_equal(fs->requests[0]->body_case, RADIO__REQUEST__BODY_STOP_SIGNAL);
	fake_free(fs);
	free(tones);
}

/* ------------------------------------------------------------- timeouts */

static void never_answer(struct fake_server *fs)
{
	fake_read_request(fs);
	fake_wait_eof(fs);
}

static void test_a_silent_daemon_times_out_with_the_timeout_named(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(never_answer, NULL, &fs);
	int64_t t0, dt;

	radioclient_set_timeout(rc, 150);
	t0 = now_ms();
	assert_int_equal(radioclient_get_info(rc, NULL), -ETIMEDOUT);
	dt = now_ms() - t0;
	assert_true(dt >= 140);
	assert_true(dt < 2000);
	assert_string_equal(radioclient_error(rc),
			    "get_info: timed out after 150 ms waiting for reply");
	finish(rc, fs);
}

/* Answers the first request late, after the client gave up and sent a
 * second one, and splits that late reply around the client's timeout. */
static void late_and_split(struct fake_server *fs)
{
	Radio__Request *first = fake_read_request(fs), *second;
	Radio__ServerMessage m = RADIO__SERVER_MESSAGE__INIT;
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Info info = RADIO__INFO__INIT;
	uint8_t buf[256];
	size_t len;

	if (!first)
		return;
	info.daemon_version = (char *)"late";
	r.has_id = 1;
	r.id = first->id;
	r.body_case = RADIO__REPLY__BODY_INFO;
	r.info = &info;
	m.msg_case = RADIO__SERVER_MESSAGE__MSG_REPLY;
	m.reply = &r;
	len = radio__server_message__get_packed_size(&m);
	radio__server_message__pack(&m, buf);
	fake_send_frame_header(fs, (uint32_t)len);
	fake_send_raw(fs, buf, 3);
	second = fake_read_request(fs);
	if (!second)
		return;
	fake_send_raw(fs, buf + 3, len - 3);
	send_info(fs, second->id, "on time");
	fake_wait_eof(fs);
}

static void test_a_late_reply_split_across_a_timeout_keeps_the_stream_in_step(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(late_and_split, NULL, &fs);
	Radio__Reply *reply;

	radioclient_set_timeout(rc, 100);
	assert_int_equal(radioclient_get_info(rc, &reply), -ETIMEDOUT);
	radioclient_set_timeout(rc, 5000);
	assert_int_equal(radioclient_get_info(rc, &reply), 0);
	assert_string_equal(reply->info->daemon_version, "on time");
	radioclient_reply_free(reply);
	finish(rc, fs);
}

/* ------------------------------------------------------------ bad frames */

static void huge_length(struct fake_server *fs)
{
	if (!fake_read_request(fs))
		return;
	/* The body never comes: a client that waited for it would time out. */
	fake_send_frame_header(fs, 0xfffffff0u);
	fake_wait_eof(fs);
}

static void test_an_oversize_length_is_refused_before_reading_the_body(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(huge_length, NULL, &fs);
	int64_t t0 = now_ms();

	radioclient_set_timeout(rc, 10000);
	assert_int_equal(radioclient_get_stats(rc, true, NULL), -EMSGSIZE);
	assert_true(now_ms() - t0 < 5000);
	assert_string_equal(radioclient_error(rc),
			    "get_stats: reply too large: radiod announced 4294967280 bytes, "
			    "the limit is 1048576");
	/* The stream cannot be trusted past that: the connection is closed. */
	assert_int_equal(radioclient_get_info(rc, NULL), -ENOTCONN);
	assert_non_null(strstr(radioclient_error(rc), "reply too large"));
	finish(rc, fs);
}

/* A reply whose frame is exactly n bytes long. */
static void reply_of_size(struct fake_server *fs)
{
	size_t n = *(size_t *)fs->arg;
	Radio__Request *req = fake_read_request(fs);
	Radio__ServerMessage m = RADIO__SERVER_MESSAGE__INIT;
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Info info = RADIO__INFO__INIT;
	size_t fill = n, len;
	char *s;

	if (!req)
		return;
	r.has_id = 1;
	r.id = req->id;
	r.body_case = RADIO__REPLY__BODY_INFO;
	r.info = &info;
	m.msg_case = RADIO__SERVER_MESSAGE__MSG_REPLY;
	m.reply = &r;
	s = malloc(n + 1);
	/* Shrink the string until the encoding (with its varint lengths) fits n. */
	for (;;) {
		memset(s, 'x', fill);
		s[fill] = '\0';
		info.daemon_version = s;
		len = radio__server_message__get_packed_size(&m);
		if (len <= n)
			break;
		fill -= len - n;
	}
	while (len < n) {
		fill++;
		memset(s, 'x', fill);
		s[fill] = '\0';
		len = radio__server_message__get_packed_size(&m);
	}
	if (len == n) {
		uint8_t *buf = malloc(n);

		radio__server_message__pack(&m, buf);
		fake_send_frame_header(fs, (uint32_t)n);
		fake_send_raw(fs, buf, n);
		free(buf);
	}
	free(s);
	fake_wait_eof(fs);
}

static void test_a_reply_of_exactly_the_limit_is_accepted(void **state)
{
	(void)state;
	struct fake_server *fs;
	size_t n = RADIOCLIENT_MAX_REPLY;
	struct radioclient *rc = client_for(reply_of_size, &n, &fs);
	Radio__Reply *reply;

	assert_int_equal(radioclient_get_info(rc, &reply), 0);
	assert_true(strlen(reply->info->daemon_version) > RADIOCLIENT_MAX_REPLY - 32);
	radioclient_reply_free(reply);
	finish(rc, fs);
}

static void close_mid_frame(struct fake_server *fs)
{
	if (!fake_read_request(fs))
		return;
	fake_send_frame_header(fs, 100);
	fake_send_raw(fs, "0123456789", 10);
	shutdown(fs->fd, SHUT_RDWR);
}

static void test_a_peer_closing_mid_frame_is_reported_as_such(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(close_mid_frame, NULL, &fs);

	assert_int_equal(radioclient_get_info(rc, NULL), -ECONNRESET);
	assert_string_equal(radioclient_error(rc),
			    "get_info: radiod closed the connection in the middle of a message "
			    "(10 of 100 bytes)");
	assert_int_equal(radioclient_get_info(rc, NULL), -ENOTCONN);
	finish(rc, fs);
}

static void close_after_request(struct fake_server *fs)
{
	fake_read_request(fs);
	shutdown(fs->fd, SHUT_RDWR);
}

static void test_a_peer_closing_before_replying_is_reported(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(close_after_request, NULL, &fs);
	Radio__Event *ev;

	assert_int_equal(radioclient_get_info(rc, NULL), -ECONNRESET);
	assert_string_equal(radioclient_error(rc), "get_info: radiod closed the connection");
	assert_int_equal(radioclient_next_event(rc, &ev, 0), -ENOTCONN);
	assert_string_equal(radioclient_error(rc),
			    "event: not connected to radiod (the connection was closed: "
			    "get_info: radiod closed the connection)");
	finish(rc, fs);
}

static void close_at_once(struct fake_server *fs)
{
	shutdown(fs->fd, SHUT_RDWR);
}

static void test_sending_to_a_closed_peer_raises_no_sigpipe(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(close_at_once, NULL, &fs);
	void (*old)(int) = signal(SIGPIPE, SIG_DFL);

	fake_join(fs);
	/* With SIGPIPE at its default this process would die here. */
	assert_int_equal(radioclient_get_info(rc, NULL), -ECONNRESET);
	signal(SIGPIPE, old);
	radioclient_close(rc);
	fake_free(fs);
}

static void garbage_frame(struct fake_server *fs)
{
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!fake_read_request(fs))
		return;
	fake_send_frame_header(fs, sizeof junk);
	fake_send_raw(fs, junk, sizeof junk);
	fake_wait_eof(fs);
}

static void test_a_frame_that_does_not_decode_is_a_protocol_error(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(garbage_frame, NULL, &fs);

	assert_int_equal(radioclient_get_info(rc, NULL), -EPROTO);
	assert_string_equal(radioclient_error(rc), "get_info: protocol error: a message from "
			    "radiod (5 bytes) does not decode");
	finish(rc, fs);
}

static void unknown_kind_then_reply(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (!req)
		return;
	/* An empty ServerMessage: what a newer radiod's unknown kind looks like. */
	fake_send_frame_header(fs, 0);
	send_info(fs, req->id, "still fine");
	fake_wait_eof(fs);
}

static void test_messages_of_an_unknown_kind_are_ignored(void **state)
{
	(void)state;
	struct fake_server *fs;
	struct radioclient *rc = client_for(unknown_kind_then_reply, NULL, &fs);
	Radio__Reply *reply;

	assert_int_equal(radioclient_get_info(rc, &reply), 0);
	assert_string_equal(reply->info->daemon_version, "still fine");
	radioclient_reply_free(reply);
	finish(rc, fs);
}

static void test_strerror_describes_the_library_codes(void **state)
{
	(void)state;
	assert_string_equal(radioclient_strerror(-EREMOTEIO), "radiod refused the request");
	assert_string_equal(radioclient_strerror(-ETIMEDOUT), "timed out waiting for radiod");
	assert_string_equal(radioclient_strerror(-ENOENT), strerror(ENOENT));
	assert_string_equal(radioclient_status_name(RADIO__STATUS__CODE__PERMISSION_DENIED),
			    "PERMISSION_DENIED");
	assert_string_equal(radioclient_status_name((Radio__Status__Code)99), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_and_free_accept_null),
		cmocka_unit_test(test_connect_to_a_missing_socket_names_path_and_hint),
		cmocka_unit_test(test_connect_refuses_a_path_too_long_for_a_socket),
		cmocka_unit_test(test_calls_on_an_unconnected_handle_say_so),
		cmocka_unit_test(test_connect_with_null_path_uses_radiod_socket),
		cmocka_unit_test(test_request_is_framed_with_an_id_and_its_fields),
		cmocka_unit_test(test_replies_with_another_id_are_dropped),
		cmocka_unit_test(test_each_request_gets_a_new_id),
		cmocka_unit_test(test_events_arriving_before_the_reply_are_queued_in_order),
		cmocka_unit_test(test_next_event_waits_for_a_pushed_event),
		cmocka_unit_test(test_a_full_event_queue_drops_the_oldest_and_counts),
		cmocka_unit_test(test_a_refusal_gives_the_status_and_its_message),
		cmocka_unit_test(test_a_reply_without_id_answers_the_outstanding_request),
		cmocka_unit_test(test_a_reply_missing_the_needed_body_is_a_protocol_error),
		cmocka_unit_test(test_a_request_over_the_limit_is_not_sent),
		cmocka_unit_test(test_a_silent_daemon_times_out_with_the_timeout_named),
		cmocka_unit_test(test_a_late_reply_split_across_a_timeout_keeps_the_stream_in_step),
		cmocka_unit_test(test_an_oversize_length_is_refused_before_reading_the_body),
		cmocka_unit_test(test_a_reply_of_exactly_the_limit_is_accepted),
		cmocka_unit_test(test_a_peer_closing_mid_frame_is_reported_as_such),
		cmocka_unit_test(test_a_peer_closing_before_replying_is_reported),
		cmocka_unit_test(test_sending_to_a_closed_peer_raises_no_sigpipe),
		cmocka_unit_test(test_a_frame_that_does_not_decode_is_a_protocol_error),
		cmocka_unit_test(test_messages_of_an_unknown_kind_are_ignored),
		cmocka_unit_test(test_strerror_describes_the_library_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

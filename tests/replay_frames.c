/*
 * replay_frames - sends a live radiod many malformed frames, each checked
 * for an answer, while a bystander connection must go on being served.
 *
 *   replay_frames SOCKET [COUNT [SEED]]      (defaults: 10000, 20261126)
 *
 * Kinds, chosen in turn from a seeded generator (the seed is printed):
 *   random        1..256 random bytes, the first four a plausible or a wild
 *                 length; then the write side is shut.  Any answer may come
 *                 (the bytes may even hold a request); the connection must
 *                 end in a close.
 *   truncated     a valid request frame cut short, then the write side is
 *                 shut: radiod must close.
 *   oversize      a length over the 64 KiB limit (up to 2^32-1), no
 *                 payload: MALFORMED, then a close.
 *   garbage       a valid length whose payload cannot decode (a field with
 *                 wire type 6 or 7 first, then random bytes): MALFORMED, then
 *                 a close.
 *   out_of_range  a valid request with a value out of its range (volume,
 *                 ramp, band index, band frequency/Q/gain, preamp, signal
 *                 level, subscription interval, capture size, stream
 *                 channels, preset name): an error Status, the connection
 *                 stays open and is reused for the next one.
 * Every REPLAY_BYSTANDER_EVERY frames, the bystander sends GetInfo and must
 * get OK with its id within the timeout.
 *
 * Prints one line of counts:
 *   frames=N error_replies=N closes=N ok_replies=N no_answer=N unexpected=N
 *   bystander_queries=N bystander_failures=N seed=S seconds=T
 * and one "kind NAME=N" line per kind.  "no answer" is neither an error
 * reply nor a close within REPLAY_TIMEOUT_MS; "unexpected" is an answer
 * other than the kind's (above).  Exit: 0 when no_answer, unexpected and
 * bystander_failures are all 0; 1 otherwise or on a local error; 2 usage.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "proto/radio.pb-c.h"
#include "tests/sock_util.h"

#define REPLAY_TIMEOUT_MS 3000
#define REPLAY_BYSTANDER_EVERY 100
#define FRAME_LIMIT 65536u

enum kind { K_RANDOM, K_TRUNCATED, K_OVERSIZE, K_GARBAGE, K_OUT_OF_RANGE, K_N };
static const char *const kind_name[K_N] = {"random", "truncated", "oversize", "garbage",
					   "out_of_range"};

/* xorshift64*: the same frames for the same seed on every machine. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rng_next(s) >> 33) % n;
}

enum answer { A_REPLY, A_CLOSED, A_TIMEOUT };

/* Reads one ServerMessage: its Reply's status code (RADIO__STATUS__CODE__OK
 * when the Reply has no Status) and id. */
static enum answer read_reply(int fd, int *code, uint32_t *id)
{
	uint8_t hdr[4], *buf;
	uint32_t len;
	Radio__ServerMessage *m;
	int r = su_recv_all(fd, hdr, 4, REPLAY_TIMEOUT_MS);

	if (r)
		return r == -2 ? A_TIMEOUT : A_CLOSED;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (len == 0 || len > (1u << 20))
		return A_CLOSED;	/* not radiod's framing: treated as lost */
	buf = malloc(len);
	if (!buf)
		abort();
	r = su_recv_all(fd, buf, len, REPLAY_TIMEOUT_MS);
	if (r) {
		free(buf);
		return r == -2 ? A_TIMEOUT : A_CLOSED;
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
	return A_REPLY;
}

struct counts {
	unsigned long frames, error_replies, closes, ok_replies, no_answer, unexpected;
	unsigned long bystander_queries, bystander_failures;
	unsigned long kind[K_N];
};

/* Reads replies until radiod closes: what a connection that must end does.
 * Counts the first error reply and the close; *malformed says whether a
 * MALFORMED came. */
static void drain_to_close(int fd, struct counts *c, bool *malformed, bool *closed)
{
	bool error_seen = false, ok_seen = false;
	int code;
	uint32_t id;

	*malformed = *closed = false;
	for (int i = 0; i < 64; i++) {
		enum answer a = read_reply(fd, &code, &id);

		if (a == A_CLOSED) {
			*closed = true;
			break;
		}
		if (a == A_TIMEOUT)
			break;
		if (code == RADIO__STATUS__CODE__OK)
			ok_seen = true;
		else
			error_seen = true;
		if (code == RADIO__STATUS__CODE__MALFORMED)
			*malformed = true;
	}
	c->error_replies += error_seen;
	c->ok_replies += ok_seen && !error_seen;
	c->closes += *closed;
	if (!error_seen && !*closed)
		c->no_answer++;
}

/* One out-of-range request, chosen and valued by the generator. */
static size_t out_of_range_request(uint64_t *s, uint32_t id, uint8_t *out)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__SetVolume sv = RADIO__SET_VOLUME__INIT;
	Radio__SetBand sb = RADIO__SET_BAND__INIT;
	Radio__EqBand band = RADIO__EQ_BAND__INIT, *bandp = &band;
	Radio__Eq eq = RADIO__EQ__INIT;
	Radio__SetEq se = RADIO__SET_EQ__INIT;
	Radio__InjectSignal is = RADIO__INJECT_SIGNAL__INIT;
	Radio__Subscribe sub = RADIO__SUBSCRIBE__INIT;
	Radio__StartCapture sc = RADIO__START_CAPTURE__INIT;
	Radio__CaptureSignal sig = RADIO__CAPTURE_SIGNAL__INIT, *sigp = &sig;
	Radio__InjectStream ist = RADIO__INJECT_STREAM__INIT;
	Radio__SavePreset sp = RADIO__SAVE_PRESET__INIT;
	/* Out of every dB range here: volume -120..12, gains and preamp -24..24. */
	static const double bad_db[] = {24.5, 500, -121, -1e308, NAN, INFINITY, -INFINITY};
	static const char *const bad_names[] = {
		"", "../etc", ".hidden", "a/b",
		/* 65 characters: one over STATE_PRESET_NAME_MAX */
		"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"};
	double bad = bad_db[rng_below(s, sizeof bad_db / sizeof bad_db[0])];

	req.has_id = 1;
	req.id = id;
	switch (rng_below(s, 10)) {
	case 0:
		sv.has_db = 1, sv.db = bad;
		req.body_case = RADIO__REQUEST__BODY_SET_VOLUME, req.set_volume = &sv;
		break;
	case 1:
		sv.has_db = 1, sv.db = -20;
		sv.has_ramp_ms = 1, sv.ramp_ms = rng_below(s, 2) ? 1e7 + rng_below(s, 1000) : -1;
		req.body_case = RADIO__REQUEST__BODY_SET_VOLUME, req.set_volume = &sv;
		break;
	case 2:
		sb.has_index = 1, sb.index = 16 + rng_below(s, 1u << 30);
		sb.has_gain_db = 1, sb.gain_db = 1;
		req.body_case = RADIO__REQUEST__BODY_SET_BAND, req.set_band = &sb;
		break;
	case 3:
		sb.has_index = 1, sb.index = 0;
		switch (rng_below(s, 3)) {
		case 0: sb.has_freq_hz = 1, sb.freq_hz = rng_below(s, 2) ? 1e6 : 1; break;
		case 1: sb.has_q = 1, sb.q = rng_below(s, 2) ? 0.0 : 1000; break;
		default: sb.has_gain_db = 1, sb.gain_db = bad; break;
		}
		req.body_case = RADIO__REQUEST__BODY_SET_BAND, req.set_band = &sb;
		break;
	case 4:
		band.has_freq_hz = 1, band.freq_hz = 1000;
		band.has_gain_db = 1, band.gain_db = 25 + rng_below(s, 100);
		eq.n_band = 1, eq.band = &bandp;
		eq.has_preamp_db = 1, eq.preamp_db = 0;
		se.eq = &eq;
		req.body_case = RADIO__REQUEST__BODY_SET_EQ, req.set_eq = &se;
		break;
	case 5:
		eq.n_band = 1, eq.band = &bandp;
		eq.has_preamp_db = 1, eq.preamp_db = bad;
		se.eq = &eq;
		req.body_case = RADIO__REQUEST__BODY_SET_EQ, req.set_eq = &se;
		break;
	case 6:
		is.has_kind = 1, is.kind = RADIO__SIGNAL_KIND__SINE;
		is.has_level_dbfs = 1, is.level_dbfs = 0.5 + rng_below(s, 100);
		req.body_case = RADIO__REQUEST__BODY_INJECT_SIGNAL, req.inject_signal = &is;
		break;
	case 7:
		sub.has_stats = 1, sub.stats = 1;
		sub.has_interval_ms = 1, sub.interval_ms = rng_below(s, 2) ? rng_below(s, 20)
									  : 60001 + rng_below(s, 1u << 30);
		req.body_case = RADIO__REQUEST__BODY_SUBSCRIBE, req.subscribe = &sub;
		break;
	case 8:
		if (rng_below(s, 2)) {
			sc.n_signal = 1, sc.signal = &sigp;
			sc.has_frames = 1, sc.frames = rng_below(s, 2) ? rng_below(s, 64)
								      : 1048577 + rng_below(s, 1000);
			req.body_case = RADIO__REQUEST__BODY_START_CAPTURE, req.start_capture = &sc;
		} else {
			ist.has_channels = 1, ist.channels = rng_below(s, 2) ? 0 : 3 + rng_below(s, 1000);
			req.body_case = RADIO__REQUEST__BODY_INJECT_STREAM, req.inject_stream = &ist;
		}
		break;
	default:
		sp.name = (char *)bad_names[rng_below(s, sizeof bad_names / sizeof bad_names[0])];
		req.body_case = RADIO__REQUEST__BODY_SAVE_PRESET, req.save_preset = &sp;
		break;
	}
	return su_frame_request(&req, out, 4096);
}

/* A valid request frame of some kind, for truncation. */
static size_t some_request(uint64_t *s, uint32_t id, uint8_t *out)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetStats gs = RADIO__GET_STATS__INIT;
	Radio__SetVolume sv = RADIO__SET_VOLUME__INIT;

	req.has_id = 1;
	req.id = id;
	if (rng_below(s, 2)) {
		req.body_case = RADIO__REQUEST__BODY_GET_STATS, req.get_stats = &gs;
	} else {
		sv.has_db = 1, sv.db = -20;
		req.body_case = RADIO__REQUEST__BODY_SET_VOLUME, req.set_volume = &sv;
	}
	return su_frame_request(&req, out, 4096);
}

static bool bystander_ok(int fd, uint32_t id)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetInfo gi = RADIO__GET_INFO__INIT;
	uint8_t buf[4096];
	uint32_t got;
	int code;

	req.has_id = 1;
	req.id = id;
	req.body_case = RADIO__REQUEST__BODY_GET_INFO;
	req.get_info = &gi;
	if (su_send_all(fd, buf, su_frame_request(&req, buf, sizeof buf)))
		return false;
	return read_reply(fd, &code, &got) == A_REPLY && code == RADIO__STATUS__CODE__OK &&
	       got == id;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct counts c = {0};
	unsigned long count = 10000;
	uint64_t seed = 20261126, s;
	const char *path;
	int by, keep = -1;
	double t0;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: replay_frames SOCKET [COUNT [SEED]]\n");
		return 2;
	}
	path = argv[1];
	if (argc > 2)
		count = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		seed = strtoull(argv[3], NULL, 10);
	s = seed ? seed : 1;
	printf("seed=%llu count=%lu\n", (unsigned long long)seed, count);
	fflush(stdout);
	by = su_connect(path);
	if (by < 0) {
		fprintf(stderr, "replay_frames: cannot connect to %s: %s\n", path, strerror(errno));
		return 1;
	}
	t0 = now_s();
	for (unsigned long i = 0; i < count; i++) {
		enum kind k = (enum kind)rng_below(&s, K_N);
		uint8_t buf[4096 + 256];
		bool malformed, closed;
		size_t n;
		int fd;

		c.frames++;
		c.kind[k]++;
		if (k == K_OUT_OF_RANGE) {
			int code;
			uint32_t id;
			enum answer a;

			if (keep < 0 && (keep = su_connect(path)) < 0) {
				fprintf(stderr, "replay_frames: cannot connect to %s\n", path);
				return 1;
			}
			n = out_of_range_request(&s, (uint32_t)i + 1, buf);
			a = su_send_all(keep, buf, n) ? A_CLOSED : read_reply(keep, &code, &id);
			if (a == A_REPLY && code != RADIO__STATUS__CODE__OK) {
				c.error_replies++;
			} else {
				if (a == A_CLOSED)
					c.closes++;
				else if (a == A_TIMEOUT)
					c.no_answer++;
				else
					c.ok_replies++;
				c.unexpected++;
				fprintf(stderr, "frame %lu (out_of_range): %s\n", i,
					a == A_REPLY ? "accepted (OK)" : a == A_CLOSED ? "closed"
										 : "no answer");
				close(keep);
				keep = -1;
			}
		} else {
			fd = su_connect(path);
			if (fd < 0) {
				fprintf(stderr, "replay_frames: cannot connect to %s\n", path);
				return 1;
			}
			switch (k) {
			case K_RANDOM:
				n = 1 + rng_below(&s, 256);
				for (size_t j = 0; j < n; j++)
					buf[j] = (uint8_t)rng_next(&s);
				if (n >= 4 && rng_below(&s, 2)) {	/* a plausible length */
					uint32_t len = 1 + rng_below(&s, 300);

					buf[0] = 0, buf[1] = 0;
					buf[2] = (uint8_t)(len >> 8), buf[3] = (uint8_t)len;
				}
				break;
			case K_TRUNCATED:
				n = some_request(&s, (uint32_t)i + 1, buf);
				n = 1 + rng_below(&s, (uint32_t)n - 1);
				break;
			case K_OVERSIZE: {
				uint32_t len = FRAME_LIMIT + 1 +
					       rng_below(&s, UINT32_MAX - FRAME_LIMIT - 1);

				buf[0] = (uint8_t)(len >> 24), buf[1] = (uint8_t)(len >> 16);
				buf[2] = (uint8_t)(len >> 8), buf[3] = (uint8_t)len;
				n = 4;
				break;
			}
			default: {	/* K_GARBAGE */
				uint32_t len = 1 + rng_below(&s, 200);

				buf[0] = 0, buf[1] = 0;
				buf[2] = (uint8_t)(len >> 8), buf[3] = (uint8_t)len;
				/* field 1..15 with wire type 6 or 7: no protobuf decodes it */
				buf[4] = (uint8_t)((1 + rng_below(&s, 15)) << 3 | (6 + rng_below(&s, 2)));
				for (uint32_t j = 1; j < len; j++)
					buf[4 + j] = (uint8_t)rng_next(&s);
				n = 4 + len;
				break;
			}
			}
			/* radiod may close before taking every byte: that is an answer. */
			su_send_all(fd, buf, n);
			if (k == K_RANDOM || k == K_TRUNCATED)
				shutdown(fd, SHUT_WR);
			drain_to_close(fd, &c, &malformed, &closed);
			if (!closed || ((k == K_OVERSIZE || k == K_GARBAGE) && !malformed)) {
				c.unexpected++;
				fprintf(stderr, "frame %lu (%s): %s%s\n", i, kind_name[k],
					closed ? "closed" : "not closed",
					malformed ? " after MALFORMED" : " without MALFORMED");
			}
			close(fd);
		}
		if ((i + 1) % REPLAY_BYSTANDER_EVERY == 0) {
			c.bystander_queries++;
			if (!bystander_ok(by, (uint32_t)(i + 1))) {
				c.bystander_failures++;
				fprintf(stderr, "bystander not answered after frame %lu\n", i);
				close(by);
				by = su_connect(path);
				if (by < 0)
					return 1;
			}
		}
	}
	if (keep >= 0)
		close(keep);
	close(by);
	printf("frames=%lu error_replies=%lu closes=%lu ok_replies=%lu no_answer=%lu "
	       "unexpected=%lu bystander_queries=%lu bystander_failures=%lu seed=%llu "
	       "seconds=%.1f\n",
	       c.frames, c.error_replies, c.closes, c.ok_replies, c.no_answer, c.unexpected,
	       c.bystander_queries, c.bystander_failures, (unsigned long long)seed, now_s() - t0);
	for (int k = 0; k < K_N; k++)
		printf("kind %s=%lu\n", kind_name[k], c.kind[k]);
	return c.no_answer || c.unexpected || c.bystander_failures ? 1 : 0;
}

/*
 * test_daemon_frame - the control protocol's frame reader and writer
 * (daemon/frame.h): a 4-byte big-endian length 1..65536, then the message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/frame.h"

static void header(uint8_t *out, uint32_t len)
{
	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
}

/* A frame of len payload bytes, byte i = (i * 7 + seed) & 0xff. */
static uint8_t *make_frame(uint32_t len, uint8_t seed)
{
	uint8_t *f = malloc(FRAME_HEADER_SIZE + (size_t)len);

	assert_non_null(f);
	header(f, len);
	for (uint32_t i = 0; i < len; i++)
		f[FRAME_HEADER_SIZE + i] = (uint8_t)(i * 7 + seed);
	return f;
}

static void assert_payload(const struct frame_reader *r, uint32_t len, uint8_t seed)
{
	uint32_t got;
	const uint8_t *p = frame_reader_payload(r, &got);

	assert_non_null(p);
	assert_int_equal(got, len);
	for (uint32_t i = 0; i < len; i++)
		assert_int_equal(p[i], (uint8_t)(i * 7 + seed));
}

static int setup(void **state)
{
	struct frame_reader *r = calloc(1, sizeof *r);

	if (!r || frame_reader_init(r, FRAME_MAX_PAYLOAD) < 0)
		return -1;
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	frame_reader_free(*state);
	free(*state);
	return 0;
}

static void test_length_zero_is_refused(void **state)
{
	struct frame_reader *r = *state;
	uint8_t f[4] = {0, 0, 0, 0};
	size_t used;

	assert_int_equal(frame_reader_push(r, f, sizeof f, &used), FRAME_ERR_EMPTY);
	assert_int_equal(used, 4);
}

static void test_length_one_is_a_frame(void **state)
{
	struct frame_reader *r = *state;
	uint8_t *f = make_frame(1, 3);
	size_t used;

	assert_int_equal(frame_reader_push(r, f, 5, &used), FRAME_READY);
	assert_int_equal(used, 5);
	assert_payload(r, 1, 3);
	free(f);
}

static void test_length_65536_is_a_frame(void **state)
{
	struct frame_reader *r = *state;
	uint8_t *f = make_frame(65536, 11);
	size_t used;

	assert_int_equal(frame_reader_push(r, f, 4 + 65536, &used), FRAME_READY);
	assert_int_equal(used, 4 + 65536);
	assert_payload(r, 65536, 11);
	free(f);
}

/* The limit is checked on the header alone: no payload byte is awaited. */
static void test_length_65537_is_refused_on_the_header(void **state)
{
	struct frame_reader *r = *state;
	uint8_t f[8];
	size_t used;

	header(f, 65537);
	memset(f + 4, 0, 4);
	assert_int_equal(frame_reader_push(r, f, sizeof f, &used), FRAME_ERR_TOO_LARGE);
	assert_int_equal(used, 4);
	assert_int_equal(frame_reader_declared_length(r), 65537);
}

static void test_largest_length_is_refused_without_overflow(void **state)
{
	struct frame_reader *r = *state;
	uint8_t f[4] = {0xff, 0xff, 0xff, 0xff};
	size_t used;

	assert_int_equal(frame_reader_push(r, f, sizeof f, &used), FRAME_ERR_TOO_LARGE);
	assert_int_equal(frame_reader_declared_length(r), UINT32_MAX);
}

static void test_an_error_is_sticky(void **state)
{
	struct frame_reader *r = *state;
	uint8_t bad[4] = {0, 0, 0, 0};
	uint8_t *good = make_frame(3, 1);
	size_t used;

	assert_int_equal(frame_reader_push(r, bad, 4, &used), FRAME_ERR_EMPTY);
	assert_int_equal(frame_reader_push(r, good, 7, &used), FRAME_ERR_EMPTY);
	assert_int_equal(used, 0);
	free(good);
}

static void test_a_frame_split_byte_by_byte(void **state)
{
	struct frame_reader *r = *state;
	uint32_t len = 300;
	uint8_t *f = make_frame(len, 5);
	size_t used;

	for (uint32_t i = 0; i < 4 + len - 1; i++) {
		assert_int_equal(frame_reader_push(r, f + i, 1, &used), FRAME_NEED_MORE);
		assert_int_equal(used, 1);
	}
	assert_int_equal(frame_reader_push(r, f + 4 + len - 1, 1, &used), FRAME_READY);
	assert_payload(r, len, 5);
	free(f);
}

static void test_several_frames_in_one_read(void **state)
{
	struct frame_reader *r = *state;
	uint32_t lens[] = {1, 17, 65536, 2, 1000};
	size_t total = 0, off = 0, used;
	uint8_t *buf;

	for (size_t i = 0; i < 5; i++)
		total += 4 + lens[i];
	buf = malloc(total);
	assert_non_null(buf);
	for (size_t i = 0; i < 5; i++) {
		uint8_t *f = make_frame(lens[i], (uint8_t)i);

		memcpy(buf + off, f, 4 + lens[i]);
		off += 4 + lens[i];
		free(f);
	}
	off = 0;
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(frame_reader_push(r, buf + off, total - off, &used), FRAME_READY);
		assert_int_equal(used, 4 + lens[i]);
		assert_payload(r, lens[i], (uint8_t)i);
		off += used;
	}
	assert_int_equal(off, total);
	assert_int_equal(frame_reader_push(r, buf + off, 0, &used), FRAME_NEED_MORE);
	free(buf);
}

/* Pieces of every size 1..13 across two frames. */
static void test_frames_split_at_every_boundary(void **state)
{
	struct frame_reader *r = *state;
	uint8_t *a = make_frame(20, 1), *b = make_frame(9, 2);
	uint8_t buf[4 + 20 + 4 + 9];

	memcpy(buf, a, 24);
	memcpy(buf + 24, b, 13);
	for (size_t piece = 1; piece <= 13; piece++) {
		size_t off = 0, used;
		int frames = 0;

		while (off < sizeof buf) {
			size_t n = sizeof buf - off < piece ? sizeof buf - off : piece;
			enum frame_result res = frame_reader_push(r, buf + off, n, &used);

			off += used;
			if (res == FRAME_READY) {
				assert_payload(r, frames == 0 ? 20 : 9, frames == 0 ? 1 : 2);
				frames++;
			} else {
				assert_int_equal(res, FRAME_NEED_MORE);
			}
		}
		assert_int_equal(frames, 2);
	}
	free(a);
	free(b);
}

/* Random bytes either make frames or a clean error, never a crash. */
static void test_garbage_gives_frames_or_an_error(void **state)
{
	struct frame_reader *r = *state;
	uint8_t buf[4096];
	uint32_t x = 12345;

	for (int round = 0; round < 200; round++) {
		struct frame_reader fr;
		size_t off = 0, used;
		enum frame_result res = FRAME_NEED_MORE;

		(void)r;
		assert_int_equal(frame_reader_init(&fr, 1024), 0);
		for (size_t i = 0; i < sizeof buf; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (uint8_t)(x >> 16);
		}
		/* Small lengths now and then so some frames complete. */
		buf[0] = 0;
		buf[1] = 0;
		buf[2] = (uint8_t)(round & 3);
		while (off < sizeof buf) {
			res = frame_reader_push(&fr, buf + off, sizeof buf - off, &used);
			off += used;
			if (res != FRAME_READY)
				break;
		}
		assert_true(res == FRAME_READY || res == FRAME_NEED_MORE ||
			    res == FRAME_ERR_EMPTY || res == FRAME_ERR_TOO_LARGE);
		frame_reader_free(&fr);
	}
}

static void test_a_smaller_limit_applies(void **state)
{
	struct frame_reader r;
	uint8_t f[4];
	size_t used;

	(void)state;
	assert_int_equal(frame_reader_init(&r, 100), 0);
	header(f, 101);
	assert_int_equal(frame_reader_push(&r, f, 4, &used), FRAME_ERR_TOO_LARGE);
	frame_reader_free(&r);
	assert_int_equal(frame_reader_init(&r, 0), -EINVAL);
	assert_int_equal(frame_reader_init(&r, FRAME_MAX_PAYLOAD + 1), -EINVAL);
}

static void test_header_writer_round_trips_and_checks(void **state)
{
	uint8_t h[4];

	(void)state;
	assert_int_equal(frame_write_header(h, 1), 0);
	assert_int_equal(frame_read_header(h), 1);
	assert_int_equal(frame_write_header(h, 65536), 0);
	assert_memory_equal(h, ((uint8_t[]){0, 1, 0, 0}), 4);
	assert_int_equal(frame_read_header(h), 65536);
	assert_int_equal(frame_write_header(h, 0), -EMSGSIZE);
	/* radiod's own frames may be larger than a client's: up to 1 MiB. */
	assert_int_equal(frame_write_header(h, FRAME_MAX_SERVER_PAYLOAD), 0);
	assert_int_equal(frame_read_header(h), FRAME_MAX_SERVER_PAYLOAD);
	assert_int_equal(frame_write_header(h, FRAME_MAX_SERVER_PAYLOAD + 1), -EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_length_zero_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_length_one_is_a_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_length_65536_is_a_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_length_65537_is_refused_on_the_header, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_largest_length_is_refused_without_overflow,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_error_is_sticky, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_frame_split_byte_by_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_several_frames_in_one_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frames_split_at_every_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_gives_frames_or_an_error, setup,
						teardown),
		cmocka_unit_test(test_a_smaller_limit_applies),
		cmocka_unit_test(test_header_writer_round_trips_and_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

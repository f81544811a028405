/*
 * test_daemon_inject_stream - the ring a client streams a file into
 * (daemon/inject_stream.c): channel mapping, mix and replace, the prefill,
 * underruns, drain, stop, a new stream after an unfinished one, and a
 * control thread and an RT thread running together (also under
 * ThreadSanitizer and, for the RT side, RealtimeSanitizer).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/inject_stream.h"

/*
 * Under ThreadSanitizer: libjack is not built with it, so it cannot see how
 * JACK's ring orders the copies libjack makes into and out of it; those
 * copies are left out, every access of inject_stream.c itself is checked.
 * (Read by ThreadSanitizer at start; unused in other builds.)
 */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
	return "called_from_lib:libjack.so.0\n";
}

#define CH 2
#define BLOCK 256

struct bufs {
	float data[CH][4096];
	float *out[CH];
};

static struct inject_stream *new_stream(void)
{
	const char *err = NULL;
	struct inject_stream *s = inject_stream_create(CH, &err);

	assert_non_null(s);
	return s;
}

/* The input of a block: every sample of channel c is in[c]. */
static void fill(struct bufs *b, float in0, float in1)
{
	for (int i = 0; i < 4096; i++) {
		b->data[0][i] = in0;
		b->data[1][i] = in1;
	}
	b->out[0] = b->data[0];
	b->out[1] = b->data[1];
}

static void write_all(struct inject_stream *s, const float *x, uint32_t frames)
{
	assert_int_equal(inject_stream_write(s, x, frames), frames);
}

static struct inject_stream_status status(struct inject_stream *s)
{
	struct inject_stream_status st;

	inject_stream_status(s, &st);
	return st;
}

static void test_a_mono_stream_feeds_every_selected_channel(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	float x[BLOCK];
	struct bufs b;

	for (int i = 0; i < BLOCK; i++)
		x[i] = (float)i;
	assert_int_equal(inject_stream_open(s, 1, 0, true, 0), 0);
	write_all(s, x, BLOCK);
	fill(&b, 0.5f, 0.5f);
	assert_int_equal(inject_stream_process(s, b.out, BLOCK), 0);
	for (int i = 0; i < BLOCK; i++) {
		assert_true(b.data[0][i] == (float)i);
		assert_true(b.data[1][i] == (float)i);
	}
	inject_stream_destroy(s);
}

static void test_a_stereo_stream_feeds_the_selected_channels_in_order(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	float x[2 * BLOCK];
	struct bufs b;

	for (int i = 0; i < BLOCK; i++) {
		x[2 * i] = (float)i;
		x[2 * i + 1] = -(float)i;
	}
	assert_int_equal(inject_stream_open(s, 2, 0x3, true, 0), 0);
	write_all(s, x, BLOCK);
	fill(&b, 0.5f, 0.5f);
	inject_stream_process(s, b.out, BLOCK);
	for (int i = 0; i < BLOCK; i++) {
		assert_true(b.data[0][i] == (float)i);
		assert_true(b.data[1][i] == -(float)i);
	}
	inject_stream_destroy(s);
}

static void test_mix_adds_to_the_input_and_leaves_unselected_channels(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	float x[BLOCK];
	struct bufs b;

	for (int i = 0; i < BLOCK; i++)
		x[i] = 0.25f;
	/* Channel 2 only (bit 1). */
	assert_int_equal(inject_stream_open(s, 1, 0x2, false, 0), 0);
	write_all(s, x, BLOCK);
	fill(&b, 0.5f, 0.5f);
	inject_stream_process(s, b.out, BLOCK);
	for (int i = 0; i < BLOCK; i++) {
		assert_true(b.data[0][i] == 0.5f);
		assert_true(b.data[1][i] == 0.75f);
	}
	inject_stream_destroy(s);
}

static void test_nothing_plays_nor_underruns_until_the_prefill_is_queued(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	float x[BLOCK];
	struct bufs b;

	for (int i = 0; i < BLOCK; i++)
		x[i] = 1.0f;
	assert_int_equal(inject_stream_open(s, 1, 0, false, 2 * BLOCK), 0);
	write_all(s, x, BLOCK);
	fill(&b, 0, 0);
	assert_int_equal(inject_stream_process(s, b.out, BLOCK), 0);
	assert_true(b.data[0][0] == 0.0f);
	assert_int_equal(status(s).played_frames, 0);
	write_all(s, x, BLOCK);
	assert_int_equal(inject_stream_process(s, b.out, BLOCK), 0);
	assert_true(b.data[0][0] == 1.0f);
	assert_int_equal(status(s).played_frames, BLOCK);
	assert_int_equal(status(s).underruns, 0);
	inject_stream_destroy(s);
}

static void test_a_playing_stream_that_runs_dry_counts_an_underrun_per_block(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	float x[BLOCK];
	struct bufs b;

	for (int i = 0; i < BLOCK; i++)
		x[i] = 1.0f;
	assert_int_equal(inject_stream_open(s, 1, 0, true, 0), 0);
	write_all(s, x, BLOCK / 2);
	fill(&b, 0.5f, 0.5f);
	/* Half a block: the rest of it is silence (replace), one underrun. */
	assert_int_equal(inject_stream_process(s, b.out, BLOCK), 1);
	assert_true(b.data[0][BLOCK / 2 - 1] == 1.0f);
	assert_true(b.data[0][BLOCK / 2] == 0.0f);
	assert_int_equal(inject_stream_process(s, b.out, BLOCK), 1);
	assert_int_equal(status(s).underruns, 2);
	assert_true(status(s).active);
	inject_stream_destroy(s);
}

static void test_an_ended_stream_plays_what_is_left_then_ends_drained(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	float x[BLOCK + 10];
	struct bufs b;
	struct inject_stream_status st;

	for (int i = 0; i < BLOCK + 10; i++)
		x[i] = 1.0f;
	assert_int_equal(inject_stream_open(s, 1, 0, true, 4 * BLOCK), 0);
	write_all(s, x, BLOCK + 10);
	assert_int_equal(inject_stream_end(s), 0);
	fill(&b, 0, 0);
	/* The end starts it although the prefill was not reached. */
	assert_int_equal(inject_stream_process(s, b.out, BLOCK), 0);
	assert_true(status(s).active);
	assert_int_equal(inject_stream_process(s, b.out, BLOCK), 0);
	assert_true(b.data[0][9] == 1.0f);
	assert_true(b.data[0][10] == 0.0f);
	st = status(s);
	assert_false(st.active);
	assert_int_equal(st.ended, INJECT_STREAM_DRAINED);
	assert_int_equal(st.played_frames, BLOCK + 10);
	assert_int_equal(st.underruns, 0);
	/* An ended stream takes nothing more. */
	assert_int_equal(inject_stream_write(s, x, 1), 0);
	inject_stream_destroy(s);
}

static void test_stop_ends_the_stream_at_once(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	float x[4 * BLOCK];
	struct bufs b;

	for (int i = 0; i < 4 * BLOCK; i++)
		x[i] = 1.0f;
	assert_int_equal(inject_stream_open(s, 1, 0, true, 0), 0);
	write_all(s, x, 4 * BLOCK);
	fill(&b, 0.5f, 0.5f);
	inject_stream_process(s, b.out, BLOCK);
	assert_int_equal(inject_stream_stop(s, INJECT_STREAM_STOPPED), 0);
	assert_false(status(s).active);
	assert_int_equal(status(s).ended, INJECT_STREAM_STOPPED);
	fill(&b, 0.5f, 0.5f);
	assert_int_equal(inject_stream_process(s, b.out, BLOCK), 0);
	/* The input passes again. */
	assert_true(b.data[0][0] == 0.5f);
	inject_stream_destroy(s);
}

static void test_a_new_stream_skips_what_the_last_one_left(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	float old[3 * BLOCK], fresh[2 * BLOCK];
	struct bufs b;

	/* Mono leftovers of an odd length, then a stereo stream: its frames
	 * do not line up with the ring's end, and must still come out whole. */
	for (int i = 0; i < 3 * BLOCK; i++)
		old[i] = 9.0f;
	for (int i = 0; i < BLOCK; i++) {
		fresh[2 * i] = (float)i;
		fresh[2 * i + 1] = (float)-i;
	}
	assert_int_equal(inject_stream_open(s, 1, 0, true, 0), 0);
	write_all(s, old, 3 * BLOCK - 1);
	fill(&b, 0, 0);
	inject_stream_process(s, b.out, BLOCK);
	assert_int_equal(inject_stream_open(s, 2, 0, true, 0), 0);
	write_all(s, fresh, BLOCK);
	assert_int_equal(status(s).queued_frames, BLOCK);
	fill(&b, 0, 0);
	assert_int_equal(inject_stream_process(s, b.out, BLOCK), 0);
	for (int i = 0; i < BLOCK; i++) {
		assert_true(b.data[0][i] == (float)i);
		assert_true(b.data[1][i] == (float)-i);
	}
	inject_stream_destroy(s);
}

static void test_write_takes_only_what_fits(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	uint32_t cap, n = 0;
	float *x;

	assert_int_equal(inject_stream_open(s, 2, 0, false, 0), 0);
	cap = status(s).capacity_frames;
	assert_true(cap >= INJECT_STREAM_RING_FRAMES);
	x = calloc((size_t)2 * (cap + 100), sizeof *x);
	assert_non_null(x);
	n = inject_stream_write(s, x, cap + 100);
	assert_int_equal(n, cap);
	assert_int_equal(status(s).free_frames, 0);
	assert_int_equal(status(s).queued_frames, cap);
	free(x);
	inject_stream_destroy(s);
}

static void test_bad_channels_and_masks_are_refused(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	const char *err = NULL;

	assert_int_equal(inject_stream_open(s, 0, 0, false, 0), -EINVAL);
	assert_int_equal(inject_stream_open(s, 3, 0, false, 0), -EINVAL);
	assert_int_equal(inject_stream_open(s, 1, 0x4, false, 0), -EINVAL);
	/* Two channels of audio into one selected channel. */
	assert_int_equal(inject_stream_open(s, 2, 0x1, false, 0), -EINVAL);
	assert_false(status(s).active);
	assert_null(inject_stream_create(0, &err));
	assert_non_null(err);
	inject_stream_destroy(NULL);
	inject_stream_destroy(s);
}

static void test_reset_ends_an_active_stream_as_lost(void **state)
{
	(void)state;
	struct inject_stream *s = new_stream();
	float x[BLOCK] = { 0 };

	assert_int_equal(inject_stream_open(s, 1, 0, false, 0), 0);
	write_all(s, x, BLOCK);
	inject_stream_reset(s);
	assert_false(status(s).active);
	assert_int_equal(status(s).ended, INJECT_STREAM_LOST);
	assert_int_equal(status(s).queued_frames, 0);
	inject_stream_destroy(s);
}

/* ---------------------------------------------- two threads at once */

#define TOTAL_FRAMES 200000u

struct duo {
	struct inject_stream *s;
	_Atomic bool stop;
	_Atomic uint64_t checked;
	_Atomic bool bad;
};

/* Frame k of the sequence: never 0, which is silence (filling, a gap). */
static float seq(uint32_t k)
{
	return (float)(k % 65536 + 1);
}

/* The RT side, running far faster than real time in blocks of changing
 * size: every sample that is not silence must be the next of the sequence,
 * and the other channel its negative.  Gaps (the writer fell behind) are
 * allowed: the order is what is checked. */
static void *rt_main(void *arg)
{
	struct duo *d = arg;
	static float data[CH][1024];
	float *out[CH] = { data[0], data[1] };
	uint32_t next = 0, sizes[] = { 64, 128, 333, 512, 1024 };
	struct timespec nap = { 0, 200000 };

	for (unsigned k = 0; !atomic_load(&d->stop); k++) {
		uint32_t n = sizes[k % 5];

		memset(data, 0, sizeof data);
		inject_stream_process(d->s, out, n);
		for (uint32_t i = 0; i < n; i++) {
			if (data[0][i] == 0 && data[1][i] == 0)
				continue;
			if (data[0][i] != seq(next) || data[1][i] != -seq(next))
				atomic_store(&d->bad, true);
			next++;
		}
		atomic_store(&d->checked, next);
		nanosleep(&nap, NULL);
	}
	return NULL;
}

static void test_a_control_thread_and_an_rt_thread_pass_every_frame_in_order(void **state)
{
	(void)state;
	struct duo d = { .s = new_stream() };
	static float x[2 * 4096];
	uint32_t sent = 0;
	pthread_t rt;

	assert_int_equal(inject_stream_open(d.s, 2, 0, true, 4096), 0);
	assert_int_equal(pthread_create(&rt, NULL, rt_main, &d), 0);
	while (sent < TOTAL_FRAMES) {
		uint32_t n = TOTAL_FRAMES - sent < 4096 ? TOTAL_FRAMES - sent : 4096, got;
		struct timespec nap = { 0, 100000 };

		for (uint32_t i = 0; i < n; i++) {
			x[2 * i] = seq(sent + i);
			x[2 * i + 1] = -seq(sent + i);
		}
		got = inject_stream_write(d.s, x, n);
		sent += got;
		if (got < n)
			nanosleep(&nap, NULL);
	}
	assert_int_equal(inject_stream_end(d.s), 0);
	for (int i = 0; i < 20000 && status(d.s).active; i++) {
		struct timespec nap = { 0, 1000000 };

		nanosleep(&nap, NULL);
	}
	atomic_store(&d.stop, true);
	assert_int_equal(pthread_join(rt, NULL), 0);
	assert_false(status(d.s).active);
	assert_int_equal(status(d.s).played_frames, TOTAL_FRAMES);
	assert_int_equal(atomic_load(&d.checked), TOTAL_FRAMES);
	assert_false(atomic_load(&d.bad));
	inject_stream_destroy(d.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_mono_stream_feeds_every_selected_channel),
		cmocka_unit_test(test_a_stereo_stream_feeds_the_selected_channels_in_order),
		cmocka_unit_test(test_mix_adds_to_the_input_and_leaves_unselected_channels),
		cmocka_unit_test(test_nothing_plays_nor_underruns_until_the_prefill_is_queued),
		cmocka_unit_test(test_a_playing_stream_that_runs_dry_counts_an_underrun_per_block),
		cmocka_unit_test(test_an_ended_stream_plays_what_is_left_then_ends_drained),
		cmocka_unit_test(test_stop_ends_the_stream_at_once),
		cmocka_unit_test(test_a_new_stream_skips_what_the_last_one_left),
		cmocka_unit_test(test_write_takes_only_what_fits),
		cmocka_unit_test(test_bad_channels_and_masks_are_refused),
		cmocka_unit_test(test_reset_ends_an_active_stream_as_lost),
		cmocka_unit_test(test_a_control_thread_and_an_rt_thread_pass_every_frame_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

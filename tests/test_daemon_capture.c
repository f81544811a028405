/*
 * test_daemon_capture - the measurement tap (daemon/capture.c): the points
 * of one recording start in the same block and stay aligned, skip and
 * length are exact across odd block sizes, cancel waits for the RT thread
 * to let go, and a control thread and an RT thread running together (also
 * under ThreadSanitizer and, for the RT side, RealtimeSanitizer).
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
#include <string.h>
#include <time.h>

#include "daemon/capture.h"

#define CH 2
#define MAXB 1024

/* A fake chain whose every sample says where it is: point p, channel c,
 * absolute frame t is p * 1e6 + c * 1e5 + t (exact in float below 2^24). */
struct chain {
	uint64_t t;
	float buf[3][CH][MAXB];
};

static float value(int point, int ch, uint64_t t)
{
	return (float)(point * 1000000 + ch * 100000 + (int)(t % 100000));
}

/* One block of n frames through the three taps, in the engine's order. */
static void block(struct capture *c, struct chain *k, uint32_t n)
{
	for (int p = 0; p < 3; p++) {
		const float *bufs[CH];

		for (int ch = 0; ch < CH; ch++) {
			for (uint32_t i = 0; i < n; i++)
				k->buf[p][ch][i] = value(p, ch, k->t + i);
			bufs[ch] = k->buf[p][ch];
		}
		capture_rt_tap(c, (enum capture_point)p, bufs, n);
	}
	k->t += n;
}

static struct capture *new_capture(void)
{
	const char *err = NULL;
	struct capture *c = capture_create(CH, &err);

	assert_non_null(c);
	return c;
}

static uint32_t start(struct capture *c, const struct capture_signal *sig, uint32_t n,
		      uint32_t frames, uint32_t skip)
{
	const char *err = NULL;
	uint32_t job = 0;

	assert_int_equal(capture_start(c, sig, n, frames, skip, &job, &err), 0);
	return job;
}

static void test_every_point_starts_in_the_same_block_and_stays_aligned(void **state)
{
	(void)state;
	struct capture_signal sig[3] = {
		{ CAPTURE_AT_INPUT, 0 }, { CAPTURE_AT_CHAIN, 1 }, { CAPTURE_AT_OUTPUT, 0 },
	};
	struct capture *c = new_capture();
	struct chain k = { .t = 5000 };
	uint32_t job = start(c, sig, 3, 1000, 0);
	uint32_t recorded = 0;

	assert_int_equal(capture_progress(c, job, &recorded), CAPTURE_ARMED);
	while (capture_progress(c, job, NULL) != CAPTURE_DONE)
		block(c, &k, 300);
	assert_int_equal(capture_progress(c, job, &recorded), CAPTURE_DONE);
	assert_int_equal(recorded, 1000);
	for (uint32_t i = 0; i < 1000; i++) {
		assert_true(capture_samples(c, job, 0)[i] == value(0, 0, 5000 + i));
		assert_true(capture_samples(c, job, 1)[i] == value(1, 1, 5000 + i));
		assert_true(capture_samples(c, job, 2)[i] == value(2, 0, 5000 + i));
	}
	capture_destroy(c);
}

static void test_skip_and_length_are_exact_across_odd_blocks(void **state)
{
	(void)state;
	struct capture_signal sig = { CAPTURE_AT_OUTPUT, 1 };
	struct capture *c = new_capture();
	struct chain k = { .t = 0 };
	uint32_t job;

	/* Armed before the block at t = 7: recording starts at 7 + 100. */
	block(c, &k, 7);
	job = start(c, &sig, 1, 777, 100);
	for (int i = 0; i < 50; i++)
		block(c, &k, 61);
	assert_int_equal(capture_progress(c, job, NULL), CAPTURE_DONE);
	for (uint32_t i = 0; i < 777; i++)
		assert_true(capture_samples(c, job, 0)[i] == value(2, 1, 107 + i));
	capture_destroy(c);
}

static void test_samples_exist_only_once_the_recording_is_done(void **state)
{
	(void)state;
	struct capture_signal sig = { CAPTURE_AT_CHAIN, 0 };
	struct capture *c = new_capture();
	struct chain k = { 0 };
	uint32_t job = start(c, &sig, 1, 512, 0), recorded = 0;

	assert_null(capture_samples(c, job, 0));
	block(c, &k, 256);
	assert_int_equal(capture_progress(c, job, &recorded), CAPTURE_RUNNING);
	assert_int_equal(recorded, 256);
	assert_null(capture_samples(c, job, 0));
	block(c, &k, 256);
	assert_non_null(capture_samples(c, job, 0));
	assert_null(capture_samples(c, job, 1));
	assert_null(capture_samples(c, job + 1, 0));
	capture_destroy(c);
}

static void test_a_cancelled_recording_is_let_go_at_the_next_block(void **state)
{
	(void)state;
	struct capture_signal sig = { CAPTURE_AT_INPUT, 0 };
	struct capture *c = new_capture();
	struct chain k = { 0 };
	const char *err = NULL;
	uint32_t job = start(c, &sig, 1, 4096, 0), again;

	block(c, &k, 128);
	capture_cancel(c, job);
	assert_int_equal(capture_progress(c, job, NULL), -ENOENT);
	/* The RT thread may still write into it: nothing new starts yet. */
	assert_int_equal(capture_start(c, &sig, 1, 64, 0, &again, &err), -EBUSY);
	assert_non_null(err);
	block(c, &k, 128);
	again = start(c, &sig, 1, 64, 0);
	assert_true(again != job);
	block(c, &k, 64);
	assert_int_equal(capture_progress(c, again, NULL), CAPTURE_DONE);
	/* A finished recording is freed at once; an armed one is let go at
	 * the next block. */
	capture_cancel(c, again);
	job = start(c, &sig, 1, 64, 0);
	capture_cancel(c, job);
	block(c, &k, 64);
	job = start(c, &sig, 1, 64, 0);
	assert_int_equal(capture_progress(c, job, NULL), CAPTURE_ARMED);
	capture_destroy(c);
}

static void test_a_recording_in_progress_blocks_another(void **state)
{
	(void)state;
	struct capture_signal sig = { CAPTURE_AT_OUTPUT, 0 };
	struct capture *c = new_capture();
	const char *err = NULL;
	uint32_t job;

	start(c, &sig, 1, 64, 0);
	assert_int_equal(capture_start(c, &sig, 1, 64, 0, &job, &err), -EBUSY);
	capture_destroy(c);
}

static void test_bad_arguments_are_refused_with_a_message(void **state)
{
	(void)state;
	struct capture_signal ok = { CAPTURE_AT_OUTPUT, 0 };
	struct capture_signal bad_ch = { CAPTURE_AT_OUTPUT, CH };
	struct capture_signal bad_point = { (enum capture_point)7, 0 };
	struct capture_signal five[5] = { ok, ok, ok, ok, ok };
	struct capture *c = new_capture();
	const char *err;
	uint32_t job;

	err = NULL;
	assert_int_equal(capture_start(c, &bad_ch, 1, 64, 0, &job, &err), -EINVAL);
	assert_non_null(strstr(err, "channel"));
	err = NULL;
	assert_int_equal(capture_start(c, &bad_point, 1, 64, 0, &job, &err), -EINVAL);
	assert_non_null(strstr(err, "point"));
	err = NULL;
	assert_int_equal(capture_start(c, five, 5, 64, 0, &job, &err), -EINVAL);
	assert_non_null(err);
	err = NULL;
	assert_int_equal(capture_start(c, &ok, 1, CAPTURE_MIN_FRAMES - 1, 0, &job, &err), -EINVAL);
	assert_non_null(strstr(err, "frames"));
	assert_int_equal(capture_start(c, &ok, 1, CAPTURE_MAX_FRAMES + 1, 0, &job, &err), -EINVAL);
	err = NULL;
	assert_null(capture_create(0, &err));
	assert_non_null(err);
	capture_destroy(NULL);
	capture_destroy(c);
}

static void test_reset_drops_the_recording(void **state)
{
	(void)state;
	struct capture_signal sig = { CAPTURE_AT_OUTPUT, 0 };
	struct capture *c = new_capture();
	struct chain k = { 0 };
	uint32_t job = start(c, &sig, 1, 4096, 0);

	block(c, &k, 128);
	capture_reset(c);
	assert_int_equal(capture_progress(c, job, NULL), -ENOENT);
	job = start(c, &sig, 1, 64, 0);
	block(c, &k, 64);
	assert_int_equal(capture_progress(c, job, NULL), CAPTURE_DONE);
	capture_destroy(c);
}

/* ---------------------------------------------- two threads at once */

struct duo {
	struct capture *c;
	_Atomic bool stop;
};

static void *rt_main(void *arg)
{
	struct duo *d = arg;
	static struct chain k;
	uint32_t sizes[] = { 64, 100, 256, 777, 1024 };
	struct timespec nap = { 0, 100000 };

	for (unsigned i = 0; !atomic_load(&d->stop); i++) {
		block(d->c, &k, sizes[i % 5]);
		nanosleep(&nap, NULL);
	}
	return NULL;
}

static void test_recordings_taken_while_the_rt_thread_runs_are_whole(void **state)
{
	(void)state;
	struct capture_signal sig[2] = { { CAPTURE_AT_INPUT, 1 }, { CAPTURE_AT_OUTPUT, 1 } };
	struct duo d = { .c = new_capture() };
	pthread_t rt;

	assert_int_equal(pthread_create(&rt, NULL, rt_main, &d), 0);
	for (int round = 0; round < 40; round++) {
		const char *err = NULL;
		uint32_t job;
		int r;
		struct timespec nap = { 0, 200000 };

		while ((r = capture_start(d.c, sig, 2, 3000, (uint32_t)round * 10, &job, &err)) ==
		       -EBUSY)
			nanosleep(&nap, NULL);
		assert_int_equal(r, 0);
		if (round % 4 == 3) {
			/* Some are cancelled in flight. */
			capture_cancel(d.c, job);
			continue;
		}
		while (capture_progress(d.c, job, NULL) != CAPTURE_DONE)
			nanosleep(&nap, NULL);
		const float *in = capture_samples(d.c, job, 0);
		const float *out = capture_samples(d.c, job, 1);
		uint64_t t0 = (uint64_t)in[0] - 100000;

		for (uint32_t i = 0; i < 3000; i++) {
			assert_true(in[i] == value(0, 1, t0 + i));
			assert_true(out[i] == value(2, 1, t0 + i));
		}
	}
	atomic_store(&d.stop, true);
	assert_int_equal(pthread_join(rt, NULL), 0);
	capture_destroy(d.c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_point_starts_in_the_same_block_and_stays_aligned),
		cmocka_unit_test(test_skip_and_length_are_exact_across_odd_blocks),
		cmocka_unit_test(test_samples_exist_only_once_the_recording_is_done),
		cmocka_unit_test(test_a_cancelled_recording_is_let_go_at_the_next_block),
		cmocka_unit_test(test_a_recording_in_progress_blocks_another),
		cmocka_unit_test(test_bad_arguments_are_refused_with_a_message),
		cmocka_unit_test(test_reset_drops_the_recording),
		cmocka_unit_test(test_recordings_taken_while_the_rt_thread_runs_are_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

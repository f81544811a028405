/*
 * test_tribuf - triple buffer semantics on one thread, then a writer and a
 * reader running together (also built under ThreadSanitizer): the reader
 * must never see a torn frame nor an older frame after a newer one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "libdsp/tribuf.h"

static struct tribuf *new_tb(size_t size)
{
	const char *err = NULL;
	struct tribuf *tb = tribuf_create(size, &err);
	assert_non_null(tb);
	return tb;
}

static void test_bad_slot_size_is_rejected_with_a_message(void **state)
{
	(void)state;
	const char *err = NULL;
	assert_null(tribuf_create(0, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "tribuf"));
	err = NULL;
	assert_null(tribuf_create(TRIBUF_MAX_SLOT_SIZE + 1, &err));
	assert_non_null(err);
	assert_null(tribuf_create(0, NULL));
	tribuf_destroy(NULL);
}

static void test_read_before_any_publish_is_zeros_and_not_fresh(void **state)
{
	(void)state;
	struct tribuf *tb = new_tb(100);
	bool fresh = true;
	const unsigned char *p = tribuf_read(tb, &fresh);
	assert_false(fresh);
	for (int i = 0; i < 100; i++)
		assert_int_equal(p[i], 0);
	/* The writer's slot starts zeroed as well. */
	const unsigned char *w = tribuf_write_slot(tb);
	for (int i = 0; i < 100; i++)
		assert_int_equal(w[i], 0);
	tribuf_destroy(tb);
}

static void test_published_frame_is_read_once_fresh(void **state)
{
	(void)state;
	struct tribuf *tb = new_tb(sizeof(float[31]));
	float *w = tribuf_write_slot(tb);
	for (int i = 0; i < 31; i++)
		w[i] = (float)i * 0.5f;
	tribuf_publish(tb);
	bool fresh = false;
	const float *r = tribuf_read(tb, &fresh);
	assert_true(fresh);
	for (int i = 0; i < 31; i++)
		assert_true(r[i] == (float)i * 0.5f);
	/* Nothing new: same frame, not fresh. */
	const float *again = tribuf_read(tb, &fresh);
	assert_false(fresh);
	assert_ptr_equal(again, r);
	assert_true(again[30] == 15.0f);
	tribuf_destroy(tb);
}

static void test_latest_of_two_publishes_wins(void **state)
{
	(void)state;
	struct tribuf *tb = new_tb(sizeof(int));
	*(int *)tribuf_write_slot(tb) = 1;
	tribuf_publish(tb);
	*(int *)tribuf_write_slot(tb) = 2;
	tribuf_publish(tb);
	bool fresh = false;
	assert_int_equal(*(const int *)tribuf_read(tb, &fresh), 2);
	assert_true(fresh);
	assert_int_equal(*(const int *)tribuf_read(tb, &fresh), 2);
	assert_false(fresh);
	tribuf_destroy(tb);
}

static void test_writer_never_gets_the_slot_being_read(void **state)
{
	(void)state;
	struct tribuf *tb = new_tb(sizeof(int));
	*(int *)tribuf_write_slot(tb) = 7;
	tribuf_publish(tb);
	const int *r = tribuf_read(tb, NULL);
	for (int k = 0; k < 10; k++) {
		int *w = tribuf_write_slot(tb);
		assert_ptr_not_equal(w, r);
		*w = 100 + k;
		tribuf_publish(tb);
	}
	assert_int_equal(*r, 7);
	assert_int_equal(*(const int *)tribuf_read(tb, NULL), 109);
	tribuf_destroy(tb);
}

/* ---- one writer, one reader ---- */

#define N_WORDS 512
#define N_FRAMES 50000

static void *writer_main(void *arg)
{
	struct tribuf *tb = arg;
	for (uint64_t seq = 1; seq <= N_FRAMES; seq++) {
		uint64_t *w = tribuf_write_slot(tb);
		for (int i = 0; i < N_WORDS; i++)
			w[i] = seq;
		tribuf_publish(tb);
	}
	return NULL;
}

static void test_concurrent_reader_sees_whole_frames_in_order(void **state)
{
	(void)state;
	struct tribuf *tb = new_tb(N_WORDS * sizeof(uint64_t));
	pthread_t w;
	assert_int_equal(pthread_create(&w, NULL, writer_main, tb), 0);
	uint64_t last = 0, reads = 0, fresh_reads = 0;
	while (last < N_FRAMES) {
		bool fresh;
		const uint64_t *r = tribuf_read(tb, &fresh);
		reads++;
		uint64_t seq = r[0];
		for (int i = 1; i < N_WORDS; i++)
			if (r[i] != seq)
				fail_msg("torn frame: word 0 = %llu, word %d = %llu",
					 (unsigned long long)seq, i, (unsigned long long)r[i]);
		assert_true(seq >= last);
		if (fresh) {
			fresh_reads++;
			assert_true(seq > last);
		} else {
			assert_true(seq == last);
		}
		last = seq;
	}
	assert_int_equal(pthread_join(w, NULL), 0);
	print_message("%llu reads, %llu fresh, of %d frames published\n",
		      (unsigned long long)reads, (unsigned long long)fresh_reads, N_FRAMES);
	tribuf_destroy(tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_slot_size_is_rejected_with_a_message),
		cmocka_unit_test(test_read_before_any_publish_is_zeros_and_not_fresh),
		cmocka_unit_test(test_published_frame_is_read_once_fresh),
		cmocka_unit_test(test_latest_of_two_publishes_wins),
		cmocka_unit_test(test_writer_never_gets_the_slot_being_read),
		cmocka_unit_test(test_concurrent_reader_sees_whole_frames_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_metrics_text - the Prometheus exposition of a Stats message
 * (proto/metrics_text.h): which log-linear buckets each fixed `le` bound
 * counts, the text of counters, gauges and histograms, and input that does
 * not follow the bucket scheme refused before anything is written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/histogram.h"
#include "proto/metrics_text.h"

/* A wire Histogram built from values, as radiod builds it. */
struct wire {
	Radio__Histogram h;
	int32_t idx[HISTOGRAM_MAX_PAIRS];
	uint64_t cnt[HISTOGRAM_MAX_PAIRS];
};

static void wire_from(struct wire *w, bool is_signed, const int64_t *v, size_t n)
{
	struct histogram *h = histogram_create(is_signed, NULL);
	struct histogram_snapshot *s = histogram_snapshot_create(is_signed, NULL);
	struct histogram_totals t;
	int pairs;

	assert_non_null(h);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		histogram_record(h, v[i]);
	assert_int_equal(histogram_snapshot_take(h, s), 0);
	pairs = histogram_snapshot_to_sparse(s, w->idx, w->cnt, HISTOGRAM_MAX_PAIRS);
	assert_true(pairs >= 0);
	histogram_snapshot_totals(s, &t);
	radio__histogram__init(&w->h);
	w->h.name = (char *)(is_signed ? "jitter" : "processing");
	w->h.has_is_signed = w->h.has_count = w->h.has_sum_ns = true;
	w->h.is_signed = is_signed;
	w->h.count = histogram_snapshot_count(s);
	w->h.sum_ns = t.sum;
	w->h.n_index = w->h.n_bucket_count = (size_t)pairs;
	w->h.index = w->idx;
	w->h.bucket_count = w->cnt;
	histogram_snapshot_destroy(s);
	histogram_destroy(h);
}

static uint64_t cumulative_of(bool is_signed, int64_t value, int64_t bound)
{
	struct wire w;

	wire_from(&w, is_signed, &value, 1);
	return metrics_text_cumulative(&w.h, bound);
}

/* ------------------------------------------------------------ the bounds */

static void test_the_bounds_run_1_2_5_from_1_us_to_100_ms(void **state)
{
	int64_t b[METRICS_TEXT_MAX_BOUNDS];
	size_t n = metrics_text_bounds(0, b);

	(void)state;
	assert_int_equal(n, 16);
	assert_int_equal(b[0], 1000);
	assert_int_equal(b[1], 2000);
	assert_int_equal(b[2], 5000);
	assert_int_equal(b[15], 100000000);
	for (size_t i = 1; i < n; i++)
		assert_true(b[i] > b[i - 1]);
}

static void test_a_signed_histogram_mirrors_the_bounds_around_0(void **state)
{
	int64_t b[METRICS_TEXT_MAX_BOUNDS];
	size_t n = metrics_text_bounds(1, b);

	(void)state;
	assert_int_equal(n, 33);
	assert_int_equal(b[0], -100000000);
	assert_int_equal(b[15], -1000);
	assert_int_equal(b[16], 0);
	assert_int_equal(b[17], 1000);
	for (size_t i = 1; i < n; i++)
		assert_true(b[i] > b[i - 1]);
}

/* ------------------------------------------- where a bound meets a bucket */

static void test_a_value_equal_to_a_bound_is_counted_at_that_bound(void **state)
{
	int64_t b[METRICS_TEXT_MAX_BOUNDS];
	size_t n = metrics_text_bounds(1, b);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(cumulative_of(true, b[i], b[i]), 1);
		if (b[i] >= 0)
			assert_int_equal(cumulative_of(false, b[i], b[i]), 1);
	}
}

static void test_a_value_one_ns_below_a_bound_is_counted(void **state)
{
	int64_t b[METRICS_TEXT_MAX_BOUNDS];
	size_t n = metrics_text_bounds(1, b);

	(void)state;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cumulative_of(true, b[i] - 1, b[i]), 1);
}

static void test_a_value_in_the_bounds_bucket_above_it_counts_as_below(void **state)
{
	(void)state;
	/* 1 us is the lowest value of the log-linear bucket [1000, 1007]. */
	assert_int_equal(histogram_index_highest(histogram_index_of(1000)), 1007);
	assert_int_equal(cumulative_of(false, 1007, 1000), 1);
	assert_int_equal(cumulative_of(false, 1008, 1000), 0);
	/* 5 us lies inside [4992, 5055]. */
	assert_int_equal(histogram_index_lowest(histogram_index_of(5000)), 4992);
	assert_int_equal(cumulative_of(false, 5055, 5000), 1);
	assert_int_equal(cumulative_of(false, 5056, 5000), 0);
	/* Mirrored: -1 us is the top of [-1007, -1000], so that bound is exact. */
	assert_int_equal(cumulative_of(true, -1000, -1000), 1);
	assert_int_equal(cumulative_of(true, -999, -1000), 0);
	/* 0 has a bucket of its own. */
	assert_int_equal(cumulative_of(true, 0, 0), 1);
	assert_int_equal(cumulative_of(true, 1, 0), 0);
}

static void test_no_bound_reaches_more_than_a_64th_above_itself(void **state)
{
	int64_t b[METRICS_TEXT_MAX_BOUNDS];
	size_t n = metrics_text_bounds(1, b);
	double worst = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		int64_t top = histogram_index_highest(histogram_index_of(b[i]));
		int64_t mag = b[i] < 0 ? -b[i] : b[i];
		double over = mag ? (double)(top - b[i]) / (double)mag : 0;

		assert_true(top >= b[i]);
		assert_true(64 * (top - b[i]) <= mag);
		if (over > worst)
			worst = over;
	}
	print_message("largest reach above a bound: %.3f %%\n", 100 * worst);
}

static void test_every_bucket_lies_between_the_exact_counts(void **state)
{
	enum { N = 200000 };
	int64_t *v = malloc(N * sizeof *v);
	int64_t b[METRICS_TEXT_MAX_BOUNDS];
	size_t n = metrics_text_bounds(1, b);
	struct wire *w = malloc(sizeof *w);
	uint64_t prev = 0, seed = 12345;

	(void)state;
	assert_non_null(v);
	assert_non_null(w);
	/* Log-uniform magnitudes from 100 ns to 1 s, both signs. */
	for (size_t i = 0; i < N; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		double u = (double)(seed >> 11) / 9007199254740992.0;
		int64_t mag = (int64_t)(100.0 * pow(1e7, u));

		v[i] = (seed >> 3) & 1 ? mag : -mag;
	}
	wire_from(w, true, v, N);
	for (size_t k = 0; k < n; k++) {
		int64_t top = histogram_index_highest(histogram_index_of(b[k]));
		uint64_t at_most_b = 0, at_most_top = 0, got = metrics_text_cumulative(&w->h, b[k]);

		for (size_t i = 0; i < N; i++) {
			at_most_b += v[i] <= b[k];
			at_most_top += v[i] <= top;
		}
		assert_true(got >= at_most_b);
		assert_true(got == at_most_top);
		assert_true(got >= prev);
		prev = got;
	}
	free(w);
	free(v);
}

/* -------------------------------------------------------------- the text */

/* The exposition of s as a string (free it). */
static char *expose(const Radio__Stats *s, int *ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	*ret = metrics_text_write(f, s);
	fclose(f);
	return text;
}

static void assert_line(const char *text, const char *line)
{
	char want[512];

	snprintf(want, sizeof want, "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("no line '%s' in:\n%s", line, text);
}

static void assert_no(const char *text, const char *what)
{
	if (strstr(text, what))
		fail_msg("'%s' should not be in:\n%s", what, text);
}

static void test_counters_and_gauges_carry_units_and_types(void **state)
{
	Radio__Stats s = RADIO__STATS__INIT;
	Radio__Volume vol = RADIO__VOLUME__INIT;
	int r;
	char *t;

	(void)state;
	s.has_state = true;
	s.state = RADIO__ENGINE_STATE__STATE_RUNNING;
	s.has_callbacks = true;
	s.callbacks = 42;
	s.has_dsp_load_percent = true;
	s.dsp_load_percent = 12.5;
	vol.has_db = vol.has_muted = true;
	vol.db = -6;
	vol.muted = true;
	s.volume = &vol;
	t = expose(&s, &r);
	assert_int_equal(r, 0);
	assert_line(t, "# TYPE radiod_callbacks_total counter");
	assert_line(t, "radiod_callbacks_total 42");
	assert_line(t, "radiod_engine_state{state=\"running\"} 1");
	assert_line(t, "radiod_engine_state{state=\"disconnected\"} 0");
	assert_line(t, "# TYPE radiod_dsp_load_ratio gauge");
	assert_line(t, "radiod_dsp_load_ratio 0.125");
	assert_line(t, "radiod_volume_decibels -6");
	assert_line(t, "radiod_muted 1");
	free(t);
}

static void test_a_field_the_message_lacks_is_left_out(void **state)
{
	Radio__Stats s = RADIO__STATS__INIT;
	int r;
	char *t;

	(void)state;
	t = expose(&s, &r);
	assert_int_equal(r, 0);
	assert_string_equal(t, "");
	free(t);
}

static void test_clipped_samples_are_counted_per_channel_from_1(void **state)
{
	Radio__Stats s = RADIO__STATS__INIT;
	Radio__Meters m = RADIO__METERS__INIT;
	Radio__ChannelMeter c[2] = { RADIO__CHANNEL_METER__INIT, RADIO__CHANNEL_METER__INIT };
	Radio__ChannelMeter *cp[2] = { &c[0], &c[1] };
	int r;
	char *t;

	(void)state;
	c[0].clipped = 0;
	c[1].clipped = 7;
	m.n_channel = 2;
	m.channel = cp;
	s.meters = &m;
	t = expose(&s, &r);
	assert_int_equal(r, 0);
	assert_line(t, "radiod_clipped_samples_total{channel=\"1\"} 0");
	assert_line(t, "radiod_clipped_samples_total{channel=\"2\"} 7");
	free(t);
}

static void test_a_histogram_has_buckets_sum_and_count_in_seconds(void **state)
{
	static const int64_t v[] = { -1500, 0, 1000 };
	Radio__Stats s = RADIO__STATS__INIT;
	Radio__Histogram *hp[1];
	struct wire w;
	int r;
	char *t;

	(void)state;
	wire_from(&w, true, v, 3);
	hp[0] = &w.h;
	s.n_histogram = 1;
	s.histogram = hp;
	t = expose(&s, &r);
	assert_int_equal(r, 0);
	assert_line(t, "# TYPE radiod_jitter_seconds histogram");
	assert_line(t, "radiod_jitter_seconds_bucket{le=\"-0.1\"} 0");
	assert_line(t, "radiod_jitter_seconds_bucket{le=\"-1e-06\"} 1");
	assert_line(t, "radiod_jitter_seconds_bucket{le=\"0\"} 2");
	assert_line(t, "radiod_jitter_seconds_bucket{le=\"1e-06\"} 3");
	assert_line(t, "radiod_jitter_seconds_bucket{le=\"+Inf\"} 3");
	assert_line(t, "radiod_jitter_seconds_sum -0.000000500");
	assert_line(t, "radiod_jitter_seconds_count 3");
	free(t);
}

static void test_a_histogram_off_the_scheme_is_refused_before_any_output(void **state)
{
	int32_t idx[2] = { 5, 3 };
	uint64_t cnt[2] = { 1, 1 };
	Radio__Histogram h = RADIO__HISTOGRAM__INIT;
	Radio__Histogram *hp[1] = { &h };
	Radio__Stats s = RADIO__STATS__INIT;
	int r;
	char *t;

	(void)state;
	h.name = (char *)"processing";
	h.n_index = h.n_bucket_count = 2;
	h.index = idx;
	h.bucket_count = cnt;
	s.has_callbacks = true;
	s.n_histogram = 1;
	s.histogram = hp;
	/* Not ascending. */
	t = expose(&s, &r);
	assert_int_equal(r, -EBADMSG);
	assert_string_equal(t, "");
	free(t);
	/* A negative index in an unsigned histogram. */
	idx[0] = -3;
	assert_int_equal(metrics_text_check_histogram(&h), -EBADMSG);
	/* Beyond the scheme. */
	idx[0] = 3;
	idx[1] = HISTOGRAM_MAX_INDEX + 1;
	assert_int_equal(metrics_text_check_histogram(&h), -EBADMSG);
	/* Counts that overflow. */
	idx[1] = 4;
	cnt[0] = cnt[1] = UINT64_MAX / 2 + 1;
	assert_int_equal(metrics_text_check_histogram(&h), -EBADMSG);
	/* As many counts as indices. */
	cnt[0] = cnt[1] = 1;
	h.n_bucket_count = 1;
	assert_int_equal(metrics_text_check_histogram(&h), -EBADMSG);
	h.n_bucket_count = 2;
	assert_int_equal(metrics_text_check_histogram(&h), 0);
}

static void test_a_histogram_name_unfit_for_a_metric_is_skipped(void **state)
{
	Radio__Histogram h = RADIO__HISTOGRAM__INIT;
	Radio__Histogram *hp[1] = { &h };
	Radio__Stats s = RADIO__STATS__INIT;
	int r;
	char *t;

	(void)state;
	h.name = (char *)"bad name\n";
	s.n_histogram = 1;
	s.histogram = hp;
	t = expose(&s, &r);
	assert_int_equal(r, 0);
	assert_no(t, "bad name");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_bounds_run_1_2_5_from_1_us_to_100_ms),
		cmocka_unit_test(test_a_signed_histogram_mirrors_the_bounds_around_0),
		cmocka_unit_test(test_a_value_equal_to_a_bound_is_counted_at_that_bound),
		cmocka_unit_test(test_a_value_one_ns_below_a_bound_is_counted),
		cmocka_unit_test(test_a_value_in_the_bounds_bucket_above_it_counts_as_below),
		cmocka_unit_test(test_no_bound_reaches_more_than_a_64th_above_itself),
		cmocka_unit_test(test_every_bucket_lies_between_the_exact_counts),
		cmocka_unit_test(test_counters_and_gauges_carry_units_and_types),
		cmocka_unit_test(test_a_field_the_message_lacks_is_left_out),
		cmocka_unit_test(test_clipped_samples_are_counted_per_channel_from_1),
		cmocka_unit_test(test_a_histogram_has_buckets_sum_and_count_in_seconds),
		cmocka_unit_test(test_a_histogram_off_the_scheme_is_refused_before_any_output),
		cmocka_unit_test(test_a_histogram_name_unfit_for_a_metric_is_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

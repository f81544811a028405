/*
 * test_histogram - the log-linear histogram against its documented bucket
 * scheme: percentiles against exact ones from sorting, the error bound at
 * every bucket boundary, snapshot delta/merge against histograms that
 * recorded the streams directly, the sparse wire form, and a concurrent
 * writer/reader run (also built under ThreadSanitizer).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "libdsp/histogram.h"

#define N_RANDOM 1000000

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double uniform01(uint64_t *state)
{
	return (double)(splitmix64(state) >> 11) * 0x1.0p-53;
}

/* Log-uniform integer in [lo, hi] ns. */
static int64_t log_uniform(uint64_t *state, double lo, double hi)
{
	return (int64_t)llround(lo * exp(uniform01(state) * log(hi / lo)));
}

/* Interval jitter: mostly small, either sign, some exactly on time. */
static int64_t jitter(uint64_t *state)
{
	double u = uniform01(state);
	if (u < 0.02)
		return 0;
	int64_t m = log_uniform(state, 1.0, 1e7);
	return u < 0.6 ? m : -m;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values (the definition in the header). */
static int64_t exact_percentile(const int64_t *sorted, size_t n, double p)
{
	double r = ceil(p * (double)n / 100.0);
	size_t rank = r < 1.0 ? 1 : r > (double)n ? n : (size_t)r;
	return sorted[rank - 1];
}

static struct histogram *new_hist(bool is_signed)
{
	const char *err = NULL;
	struct histogram *h = histogram_create(is_signed, &err);
	assert_non_null(h);
	return h;
}

static struct histogram_snapshot *new_snap(bool is_signed)
{
	const char *err = NULL;
	struct histogram_snapshot *s = histogram_snapshot_create(is_signed, &err);
	assert_non_null(s);
	return s;
}

static struct histogram_snapshot *take(const struct histogram *h)
{
	struct histogram_snapshot *s = new_snap(histogram_is_signed(h));
	assert_int_equal(histogram_snapshot_take(h, s), 0);
	return s;
}

static void assert_snapshots_equal(const struct histogram_snapshot *a,
				   const struct histogram_snapshot *b)
{
	for (int32_t i = -HISTOGRAM_MAX_INDEX; i <= HISTOGRAM_MAX_INDEX; i++)
		if (histogram_snapshot_bucket(a, i) != histogram_snapshot_bucket(b, i))
			fail_msg("bucket %d: %llu != %llu", (int)i,
				 (unsigned long long)histogram_snapshot_bucket(a, i),
				 (unsigned long long)histogram_snapshot_bucket(b, i));
	assert_int_equal(histogram_snapshot_count(a), histogram_snapshot_count(b));
	assert_int_equal(histogram_snapshot_sum(a), histogram_snapshot_sum(b));
	assert_int_equal(histogram_snapshot_min(a), histogram_snapshot_min(b));
	assert_int_equal(histogram_snapshot_max(a), histogram_snapshot_max(b));
	assert_int_equal(histogram_snapshot_clamped(a), histogram_snapshot_clamped(b));
}

/* Records n values from gen, checks the percentiles against sorting. */
static void check_percentiles(bool is_signed, int64_t (*gen)(uint64_t *), uint64_t seed,
			      const double *pct, size_t n_pct, const char *what)
{
	int64_t *v = malloc(N_RANDOM * sizeof(*v));
	assert_non_null(v);
	struct histogram *h = new_hist(is_signed);
	uint64_t st = seed;
	int64_t sum = 0;
	for (size_t i = 0; i < N_RANDOM; i++) {
		v[i] = gen(&st);
		sum += v[i];
		histogram_record(h, v[i]);
	}
	qsort(v, N_RANDOM, sizeof(*v), cmp_i64);
	struct histogram_snapshot *s = take(h);

	assert_int_equal(histogram_snapshot_count(s), N_RANDOM);
	assert_int_equal(histogram_snapshot_sum(s), sum);
	assert_int_equal(histogram_snapshot_min(s), v[0]);
	assert_int_equal(histogram_snapshot_max(s), v[N_RANDOM - 1]);
	assert_true(histogram_snapshot_mean(s) == (double)sum / N_RANDOM);

	double worst = 0.0;
	for (size_t k = 0; k < n_pct; k++) {
		int64_t want = exact_percentile(v, N_RANDOM, pct[k]);
		int64_t got = histogram_snapshot_percentile(s, pct[k]);
		double err = want ? fabs((double)(got - want)) / fabs((double)want)
				  : fabs((double)got);
		print_message("%s p%-6g exact %12lld  histogram %12lld  rel.err %.5f %%\n", what,
			      pct[k], (long long)want, (long long)got, 100.0 * err);
		if (err > worst)
			worst = err;
		assert_true(err <= HISTOGRAM_MAX_RELATIVE_ERROR);
	}
	print_message("%s: worst relative error %.5f %% (bound %.5f %%)\n", what, 100.0 * worst,
		      100.0 * HISTOGRAM_MAX_RELATIVE_ERROR);
	histogram_snapshot_destroy(s);
	histogram_destroy(h);
	free(v);
}

static int64_t latency_1us_100ms(uint64_t *st)
{
	return log_uniform(st, 1e3, 1e8);
}

static void test_latency_percentiles_within_bucket_error(void **state)
{
	(void)state;
	static const double pct[] = { 0, 50, 90, 99, 99.9, 99.99, 100 };
	check_percentiles(false, latency_1us_100ms, 1, pct, sizeof(pct) / sizeof(pct[0]),
			  "log-uniform 1us..100ms");
}

static void test_signed_jitter_percentiles_within_bucket_error(void **state)
{
	(void)state;
	static const double pct[] = { 0, 0.01, 1, 10, 25, 35, 38, 40, 50, 90, 99, 99.9, 99.99, 100 };
	check_percentiles(true, jitter, 2, pct, sizeof(pct) / sizeof(pct[0]), "signed jitter");
}

static void test_bucket_scheme_is_64_linear_buckets_per_octave(void **state)
{
	(void)state;
	assert_true(HISTOGRAM_MAX_RELATIVE_ERROR <= 0.03);
	for (int64_t v = 0; v < 128; v++)
		assert_int_equal(histogram_index_of(v), v);
	for (int e = 7; e < 35; e++)
		assert_int_equal(histogram_index_of(INT64_C(1) << (e + 1)) -
				 histogram_index_of(INT64_C(1) << e), 64);
	assert_int_equal(histogram_index_of(HISTOGRAM_MAX_VALUE), HISTOGRAM_MAX_INDEX);
	assert_int_equal(histogram_index_of(INT64_MAX), HISTOGRAM_MAX_INDEX);
	assert_int_equal(histogram_index_of(INT64_MIN), -HISTOGRAM_MAX_INDEX);
	assert_int_equal(HISTOGRAM_MAX_PAIRS, 2 * HISTOGRAM_MAX_INDEX + 1);
}

static void test_every_bucket_boundary_within_relative_error(void **state)
{
	(void)state;
	double worst = 0.0;
	for (int32_t i = 0; i <= HISTOGRAM_MAX_INDEX; i++) {
		int64_t lo = histogram_index_lowest(i), hi = histogram_index_highest(i);
		int64_t rep = histogram_index_value(i);
		assert_true(lo <= rep && rep <= hi);
		assert_int_equal(histogram_index_of(lo), i);
		assert_int_equal(histogram_index_of(hi), i);
		if (i > 0)
			assert_int_equal(histogram_index_of(lo - 1), i - 1);
		if (i < HISTOGRAM_MAX_INDEX)
			assert_int_equal(histogram_index_lowest(i + 1), hi + 1);
		/* Mirrored: the negative bucket holds exactly the negated values. */
		assert_int_equal(histogram_index_lowest(-i), -hi);
		assert_int_equal(histogram_index_highest(-i), -lo);
		assert_int_equal(histogram_index_value(-i), -rep);
		assert_int_equal(histogram_index_of(-lo), -i);
		assert_int_equal(histogram_index_of(-hi), -i);
		if (lo == 0)
			continue;
		double e = fmax(fabs((double)(rep - lo)) / (double)lo,
				fabs((double)(rep - hi)) / (double)hi);
		if (e > worst)
			worst = e;
		assert_true(e <= HISTOGRAM_MAX_RELATIVE_ERROR);
		assert_true(e <= 0.03);
	}
	assert_true(histogram_index_highest(HISTOGRAM_MAX_INDEX) >= HISTOGRAM_MAX_VALUE);
	print_message("worst relative error at the %d bucket boundaries: %.5f %%\n",
		      2 * (HISTOGRAM_MAX_INDEX + 1), 100.0 * worst);

	/* Values between the boundaries, 1 ns .. 60 s in steps of 0.07 %. */
	worst = 0.0;
	size_t n = 0;
	for (int64_t v = 1; v <= HISTOGRAM_MAX_VALUE; n++) {
		double e = fabs((double)(histogram_index_value(histogram_index_of(v)) - v)) / (double)v;
		double en = fabs((double)(histogram_index_value(histogram_index_of(-v)) + v)) / (double)v;
		if (fmax(e, en) > worst)
			worst = fmax(e, en);
		assert_true(e <= HISTOGRAM_MAX_RELATIVE_ERROR && en <= HISTOGRAM_MAX_RELATIVE_ERROR);
		int64_t next = (int64_t)((double)v * 1.0007);
		v = next > v ? next : v + 1;
	}
	print_message("worst relative error over %zu values 1 ns..60 s: %.5f %%\n", n,
		      100.0 * worst);
}

static void test_record_counts_each_value_in_its_documented_bucket(void **state)
{
	(void)state;
	struct histogram *h = new_hist(true);
	for (int32_t i = -HISTOGRAM_MAX_INDEX; i <= HISTOGRAM_MAX_INDEX; i++) {
		histogram_record(h, histogram_index_lowest(i));
		histogram_record(h, histogram_index_highest(i));
	}
	struct histogram_snapshot *s = take(h);
	for (int32_t i = -HISTOGRAM_MAX_INDEX; i <= HISTOGRAM_MAX_INDEX; i++)
		if (histogram_snapshot_bucket(s, i) != 2)
			fail_msg("bucket %d holds %llu, want 2", (int)i,
				 (unsigned long long)histogram_snapshot_bucket(s, i));
	/* The top bucket reaches past 60 s; that part clamps. */
	assert_int_equal(histogram_snapshot_clamped(s), 2);
	histogram_snapshot_destroy(s);
	histogram_destroy(h);
}

static void test_signed_values_order_across_zero(void **state)
{
	(void)state;
	static const int64_t vals[] = { -1000000, -150, -129, -1, 0, 1, 129, 150, 1000000 };
	const size_t n = sizeof(vals) / sizeof(vals[0]);
	struct histogram *h = new_hist(true);
	for (size_t k = 0; k < n; k++)
		histogram_record(h, vals[k]);
	struct histogram_snapshot *s = take(h);

	int32_t idx[HISTOGRAM_MAX_PAIRS];
	uint64_t cnt[HISTOGRAM_MAX_PAIRS];
	int np = histogram_snapshot_to_sparse(s, idx, cnt, HISTOGRAM_MAX_PAIRS);
	assert_int_equal(np, n);
	for (int k = 0; k < np; k++) {
		assert_true(histogram_index_lowest(idx[k]) <= vals[k]);
		assert_true(vals[k] <= histogram_index_highest(idx[k]));
		if (k > 0)
			assert_true(histogram_index_highest(idx[k - 1]) < histogram_index_lowest(idx[k]));
	}
	int64_t prev = INT64_MIN;
	for (size_t k = 0; k < n; k++) {
		/* Nearest rank k+1 of n. */
		int64_t got = histogram_snapshot_percentile(s, 100.0 * ((double)k + 0.5) / (double)n);
		assert_true(fabs((double)(got - vals[k])) <=
			    fabs((double)vals[k]) * HISTOGRAM_MAX_RELATIVE_ERROR);
		assert_true(got > prev);
		prev = got;
	}
	assert_int_equal(histogram_snapshot_min(s), -1000000);
	assert_int_equal(histogram_snapshot_max(s), 1000000);
	assert_int_equal(histogram_snapshot_sum(s), 0);
	histogram_snapshot_destroy(s);
	histogram_destroy(h);
}

static void test_values_beyond_60s_clamp_into_last_bucket_and_are_counted(void **state)
{
	(void)state;
	struct histogram *h = new_hist(true);
	histogram_record(h, HISTOGRAM_MAX_VALUE);      /* in range */
	histogram_record(h, HISTOGRAM_MAX_VALUE + 1);  /* clamped */
	histogram_record(h, INT64_MAX);                /* clamped */
	histogram_record(h, -HISTOGRAM_MAX_VALUE);     /* in range */
	histogram_record(h, INT64_MIN);                /* clamped */
	struct histogram_snapshot *s = take(h);
	assert_int_equal(histogram_snapshot_count(s), 5);
	assert_int_equal(histogram_snapshot_clamped(s), 3);
	assert_int_equal(histogram_snapshot_bucket(s, HISTOGRAM_MAX_INDEX), 3);
	assert_int_equal(histogram_snapshot_bucket(s, -HISTOGRAM_MAX_INDEX), 2);
	assert_int_equal(histogram_snapshot_max(s), HISTOGRAM_MAX_VALUE);
	assert_int_equal(histogram_snapshot_min(s), -HISTOGRAM_MAX_VALUE);
	assert_int_equal(histogram_snapshot_sum(s), HISTOGRAM_MAX_VALUE);
	assert_int_equal(histogram_snapshot_percentile(s, 100), HISTOGRAM_MAX_VALUE);
	histogram_snapshot_destroy(s);
	histogram_destroy(h);
}

static void test_unsigned_histogram_clamps_negative_values_to_zero(void **state)
{
	(void)state;
	struct histogram *h = new_hist(false);
	histogram_record(h, -5);
	histogram_record(h, 7);
	struct histogram_snapshot *s = take(h);
	assert_int_equal(histogram_snapshot_count(s), 2);
	assert_int_equal(histogram_snapshot_clamped(s), 1);
	assert_int_equal(histogram_snapshot_bucket(s, 0), 1);
	assert_int_equal(histogram_snapshot_bucket(s, 7), 1);
	assert_int_equal(histogram_snapshot_bucket(s, -5), 0);
	assert_int_equal(histogram_snapshot_min(s), 0);
	assert_int_equal(histogram_snapshot_sum(s), 7);
	histogram_snapshot_destroy(s);
	histogram_destroy(h);
}

static void test_empty_snapshot_statistics_are_zero(void **state)
{
	(void)state;
	struct histogram *h = new_hist(true);
	struct histogram_snapshot *s = take(h);
	assert_int_equal(histogram_snapshot_count(s), 0);
	assert_int_equal(histogram_snapshot_min(s), 0);
	assert_int_equal(histogram_snapshot_max(s), 0);
	assert_int_equal(histogram_snapshot_sum(s), 0);
	assert_true(histogram_snapshot_mean(s) == 0.0);
	assert_int_equal(histogram_snapshot_percentile(s, 99.9), 0);
	int32_t idx[1];
	uint64_t cnt[1];
	assert_int_equal(histogram_snapshot_to_sparse(s, idx, cnt, 0), 0);
	histogram_snapshot_destroy(s);
	histogram_destroy(h);
	histogram_destroy(NULL);
	histogram_snapshot_destroy(NULL);
}

static void test_mismatched_signedness_is_rejected(void **state)
{
	(void)state;
	struct histogram *h = new_hist(false);
	struct histogram_snapshot *u = take(h);
	struct histogram_snapshot *sg = new_snap(true);
	assert_int_equal(histogram_snapshot_take(h, sg), -EINVAL);
	assert_int_equal(histogram_snapshot_delta(sg, u, u), -EINVAL);
	assert_int_equal(histogram_snapshot_delta(u, sg, u), -EINVAL);
	assert_int_equal(histogram_snapshot_merge(sg, u), -EINVAL);
	histogram_snapshot_destroy(sg);
	histogram_snapshot_destroy(u);
	histogram_destroy(h);
}

static void record_stream(struct histogram *h, uint64_t seed, size_t n, double lo, double hi)
{
	uint64_t st = seed;
	for (size_t i = 0; i < n; i++)
		histogram_record(h, log_uniform(&st, lo, hi));
}

static void test_delta_is_exactly_what_was_recorded_between_snapshots(void **state)
{
	(void)state;
	struct histogram *h = new_hist(false), *only_b = new_hist(false);
	record_stream(h, 10, 50000, 100, 1e7);
	struct histogram_snapshot *s1 = take(h);
	/* Stream B: above A's minimum, beyond its maximum, and one clamped. */
	record_stream(h, 11, 30000, 1e4, 1e9);
	record_stream(only_b, 11, 30000, 1e4, 1e9);
	histogram_record(h, 70 * INT64_C(1000000000));
	histogram_record(only_b, 70 * INT64_C(1000000000));
	struct histogram_snapshot *s2 = take(h), *b = take(only_b);
	struct histogram_snapshot *d = new_snap(false);

	assert_int_equal(histogram_snapshot_delta(d, s2, s1), 0);
	for (int32_t i = 0; i <= HISTOGRAM_MAX_INDEX; i++)
		assert_int_equal(histogram_snapshot_bucket(d, i), histogram_snapshot_bucket(b, i));
	assert_int_equal(histogram_snapshot_count(d), 30001);
	assert_int_equal(histogram_snapshot_sum(d), histogram_snapshot_sum(b));
	assert_int_equal(histogram_snapshot_clamped(d), 1);
	/* B set a new maximum: exact.  B's minimum was not new: a bound in its bucket. */
	assert_int_equal(histogram_snapshot_max(d), histogram_snapshot_max(b));
	int64_t dmin = histogram_snapshot_min(d), bmin = histogram_snapshot_min(b);
	assert_true(dmin <= bmin);
	assert_int_equal(histogram_index_of(dmin), histogram_index_of(bmin));
	print_message("delta min %lld for exact %lld (same bucket)\n", (long long)dmin,
		      (long long)bmin);

	/* "Reset" by baseline: delta against itself is empty. */
	assert_int_equal(histogram_snapshot_delta(d, s2, s2), 0);
	assert_int_equal(histogram_snapshot_count(d), 0);
	assert_int_equal(histogram_snapshot_sum(d), 0);

	/* Swapped order cannot be a delta. */
	assert_int_equal(histogram_snapshot_delta(d, s1, s2), -ERANGE);

	/* out may alias newer. */
	assert_int_equal(histogram_snapshot_delta(s2, s2, s1), 0);
	assert_int_equal(histogram_snapshot_count(s2), 30001);
	assert_int_equal(histogram_snapshot_max(s2), histogram_snapshot_max(b));

	histogram_snapshot_destroy(d);
	histogram_snapshot_destroy(b);
	histogram_snapshot_destroy(s2);
	histogram_snapshot_destroy(s1);
	histogram_destroy(only_b);
	histogram_destroy(h);
}

static void test_delta_min_is_exact_when_the_interval_set_it(void **state)
{
	(void)state;
	struct histogram *h = new_hist(true);
	histogram_record(h, 5000);
	histogram_record(h, 9000);
	struct histogram_snapshot *s1 = take(h);
	histogram_record(h, -4321);
	histogram_record(h, 6000);
	struct histogram_snapshot *s2 = take(h), *d = new_snap(true);
	assert_int_equal(histogram_snapshot_delta(d, s2, s1), 0);
	assert_int_equal(histogram_snapshot_min(d), -4321);
	/* Max 6000 was not new (9000 was earlier): bounded within its bucket. */
	assert_true(histogram_snapshot_max(d) >= 6000);
	assert_int_equal(histogram_index_of(histogram_snapshot_max(d)), histogram_index_of(6000));
	assert_int_equal(histogram_snapshot_sum(d), 6000 - 4321);
	histogram_snapshot_destroy(d);
	histogram_snapshot_destroy(s2);
	histogram_snapshot_destroy(s1);
	histogram_destroy(h);
}

static void test_merge_equals_one_histogram_recording_both_streams(void **state)
{
	(void)state;
	struct histogram *a = new_hist(true), *b = new_hist(true), *both = new_hist(true);
	uint64_t sa = 20, sb = 21;
	for (int i = 0; i < 40000; i++) {
		int64_t v = jitter(&sa);
		histogram_record(a, v);
		histogram_record(both, v);
	}
	for (int i = 0; i < 30000; i++) {
		int64_t v = jitter(&sb) * 3;
		histogram_record(b, v);
		histogram_record(both, v);
	}
	histogram_record(b, INT64_MIN);
	histogram_record(both, INT64_MIN);
	struct histogram_snapshot *snap_a = take(a), *snap_b = take(b), *want = take(both);
	struct histogram_snapshot *out = new_snap(true);

	assert_int_equal(histogram_snapshot_merge(out, snap_a), 0);
	assert_snapshots_equal(out, snap_a);
	assert_int_equal(histogram_snapshot_merge(out, snap_b), 0);
	assert_snapshots_equal(out, want);
	assert_int_equal(histogram_snapshot_percentile(out, 99.9),
			 histogram_snapshot_percentile(want, 99.9));

	histogram_snapshot_clear(out);
	assert_int_equal(histogram_snapshot_count(out), 0);

	histogram_snapshot_destroy(out);
	histogram_snapshot_destroy(want);
	histogram_snapshot_destroy(snap_b);
	histogram_snapshot_destroy(snap_a);
	histogram_destroy(both);
	histogram_destroy(b);
	histogram_destroy(a);
}

static void test_sparse_round_trip_reproduces_snapshot_and_percentiles(void **state)
{
	(void)state;
	struct histogram *h = new_hist(true);
	uint64_t st = 30;
	for (int i = 0; i < 200000; i++)
		histogram_record(h, jitter(&st));
	histogram_record(h, INT64_MAX);
	struct histogram_snapshot *s = take(h), *r = new_snap(true);

	static int32_t idx[HISTOGRAM_MAX_PAIRS];
	static uint64_t cnt[HISTOGRAM_MAX_PAIRS];
	int np = histogram_snapshot_to_sparse(s, idx, cnt, HISTOGRAM_MAX_PAIRS);
	assert_true(np > 0);
	struct histogram_totals t;
	histogram_snapshot_totals(s, &t);
	assert_int_equal(histogram_snapshot_from_sparse(r, idx, cnt, (size_t)np, &t), 0);
	assert_snapshots_equal(r, s);

	static const double pct[] = { 0, 0.1, 1, 25, 50, 75, 90, 99, 99.9, 99.99, 100 };
	for (size_t k = 0; k < sizeof(pct) / sizeof(pct[0]); k++)
		assert_int_equal(histogram_snapshot_percentile(r, pct[k]),
				 histogram_snapshot_percentile(s, pct[k]));
	print_message("%d non-empty buckets of %d for 200001 jitter values\n", np,
		      HISTOGRAM_MAX_PAIRS);

	assert_int_equal(histogram_snapshot_to_sparse(s, idx, cnt, (size_t)np - 1), -ENOSPC);

	histogram_snapshot_destroy(r);
	histogram_snapshot_destroy(s);
	histogram_destroy(h);
}

static void test_from_sparse_rejects_malformed_input(void **state)
{
	(void)state;
	struct histogram_snapshot *u = new_snap(false), *sg = new_snap(true);
	const struct histogram_totals t200 = { .sum = 200, .min = 100, .max = 100 };
	const int32_t one[] = { 100 };
	const uint64_t two[] = { 2 };
	assert_int_equal(histogram_snapshot_from_sparse(u, one, two, 1, &t200), 0);

	const int32_t neg[] = { -3 }, big[] = { HISTOGRAM_MAX_INDEX + 1 };
	const int32_t unsorted[] = { 100, 90 }, dup[] = { 100, 100 }, sorted[] = { 90, 100 };
	const uint64_t c11[] = { 1, 1 }, zero[] = { 0 }, huge[] = { UINT64_MAX, 1 };
	const struct histogram_totals t = { .sum = 190, .min = 90, .max = 100 };
	const struct histogram_totals t_neg = { .sum = -3, .min = -3, .max = -3 };
	const struct histogram_totals off = { .sum = 200, .min = 99, .max = 100 };
	const struct histogram_totals too_clamped = { .sum = 200, .min = 100, .max = 100,
						      .clamped = 3 };
	const struct histogram_totals not_empty = { .sum = 1 };

	assert_int_equal(histogram_snapshot_from_sparse(u, neg, two, 1, &t_neg), -EINVAL);
	assert_int_equal(histogram_snapshot_from_sparse(sg, neg, zero, 1, &t_neg), -EINVAL);
	assert_int_equal(histogram_snapshot_from_sparse(sg, big, two, 1, &t200), -EINVAL);
	assert_int_equal(histogram_snapshot_from_sparse(u, unsorted, c11, 2, &t), -EINVAL);
	assert_int_equal(histogram_snapshot_from_sparse(u, dup, c11, 2, &t), -EINVAL);
	assert_int_equal(histogram_snapshot_from_sparse(u, sorted, huge, 2, &t), -EINVAL);
	assert_int_equal(histogram_snapshot_from_sparse(u, one, two, 1, &off), -EINVAL);
	assert_int_equal(histogram_snapshot_from_sparse(u, one, two, 1, &too_clamped), -EINVAL);
	assert_int_equal(histogram_snapshot_from_sparse(u, NULL, NULL, 0, &not_empty), -EINVAL);

	/* Rejections leave the snapshot as it was. */
	assert_int_equal(histogram_snapshot_count(u), 2);
	assert_int_equal(histogram_snapshot_bucket(u, 100), 2);
	assert_int_equal(histogram_snapshot_sum(u), 200);

	const struct histogram_totals t_neg2 = { .sum = -6, .min = -3, .max = -3 };
	assert_int_equal(histogram_snapshot_from_sparse(sg, neg, two, 1, &t_neg2), 0);
	assert_int_equal(histogram_snapshot_percentile(sg, 50), -3);

	histogram_snapshot_destroy(sg);
	histogram_snapshot_destroy(u);
}

/* ---- one writer, one reader ---- */

#define N_CONC 300000

struct conc {
	struct histogram *h;
	const int64_t *vals;
	atomic_bool done;
};

static void *writer_main(void *arg)
{
	struct conc *c = arg;
	for (size_t i = 0; i < N_CONC; i++) {
		histogram_record(c->h, c->vals[i]);
		/* First half flat out (takes collide with records and settle for
		 * -EAGAIN), second half with pauses like audio periods. */
		if (i >= N_CONC / 2 && i % 512 == 511) {
			struct timespec ts = { 0, 20000 };
			nanosleep(&ts, NULL);
		}
	}
	atomic_store_explicit(&c->done, true, memory_order_release);
	return NULL;
}

static void test_concurrent_reader_never_sees_counts_go_backwards(void **state)
{
	(void)state;
	int64_t *vals = malloc(N_CONC * sizeof(*vals));
	uint64_t *prefix = malloc((N_CONC + 1) * sizeof(*prefix));
	assert_non_null(vals);
	assert_non_null(prefix);
	uint64_t st = 40;
	prefix[0] = 0;
	for (size_t i = 0; i < N_CONC; i++) {
		vals[i] = jitter(&st);
		prefix[i + 1] = prefix[i] + (uint64_t)vals[i];
	}
	struct conc c = { .h = new_hist(true), .vals = vals };
	atomic_init(&c.done, false);
	struct histogram_snapshot *prev = new_snap(true), *cur = new_snap(true);

	pthread_t w;
	assert_int_equal(pthread_create(&w, NULL, writer_main, &c), 0);
	size_t takes = 0, consistent = 0, settled = 0;
	bool last = false;
	while (!last) {
		last = atomic_load_explicit(&c.done, memory_order_acquire);
		int rc = histogram_snapshot_take(c.h, cur);
		assert_true(rc == 0 || rc == -EAGAIN);
		takes++;
		settled += rc == -EAGAIN;
		uint64_t n = histogram_snapshot_count(cur);
		assert_true(n >= histogram_snapshot_count(prev));
		assert_true(n <= N_CONC);
		for (int32_t i = -HISTOGRAM_MAX_INDEX; i <= HISTOGRAM_MAX_INDEX; i++)
			if (histogram_snapshot_bucket(cur, i) < histogram_snapshot_bucket(prev, i))
				fail_msg("bucket %d went backwards", (int)i);
		if (rc == 0) {
			/* A consistent take is exactly the first n records. */
			consistent++;
			assert_int_equal((uint64_t)histogram_snapshot_sum(cur), prefix[n]);
		}
		struct histogram_snapshot *tmp = prev;
		prev = cur;
		cur = tmp;
	}
	assert_int_equal(pthread_join(w, NULL), 0);
	assert_int_equal(histogram_snapshot_take(c.h, cur), 0);
	assert_int_equal(histogram_snapshot_count(cur), N_CONC);
	assert_int_equal((uint64_t)histogram_snapshot_sum(cur), prefix[N_CONC]);
	print_message("%zu snapshots during %d records: %zu consistent, %zu -EAGAIN\n", takes,
		      N_CONC, consistent, settled);

	histogram_snapshot_destroy(cur);
	histogram_snapshot_destroy(prev);
	histogram_destroy(c.h);
	free(prefix);
	free(vals);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latency_percentiles_within_bucket_error),
		cmocka_unit_test(test_signed_jitter_percentiles_within_bucket_error),
		cmocka_unit_test(test_bucket_scheme_is_64_linear_buckets_per_octave),
		cmocka_unit_test(test_every_bucket_boundary_within_relative_error),
		cmocka_unit_test(test_record_counts_each_value_in_its_documented_bucket),
		cmocka_unit_test(test_signed_values_order_across_zero),
		cmocka_unit_test(test_values_beyond_60s_clamp_into_last_bucket_and_are_counted),
		cmocka_unit_test(test_unsigned_histogram_clamps_negative_values_to_zero),
		cmocka_unit_test(test_empty_snapshot_statistics_are_zero),
		cmocka_unit_test(test_mismatched_signedness_is_rejected),
		cmocka_unit_test(test_delta_is_exactly_what_was_recorded_between_snapshots),
		cmocka_unit_test(test_delta_min_is_exact_when_the_interval_set_it),
		cmocka_unit_test(test_merge_equals_one_histogram_recording_both_streams),
		cmocka_unit_test(test_sparse_round_trip_reproduces_snapshot_and_percentiles),
		cmocka_unit_test(test_from_sparse_rejects_malformed_input),
		cmocka_unit_test(test_concurrent_reader_never_sees_counts_go_backwards),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_client_session - benchmark sessions (clients/session.h): recording
 * from GetStats replies, the file's round trip, invalid files refused with
 * a message naming the file and the field, and the compare verdict against
 * its thresholds, down to radioctl compare's exit codes.
 *
 * The GetStats replies are built from real libdsp histograms fed with known
 * values, as radiod builds them.
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
#include <unistd.h>

#include "clients/ctl.h"
#include "clients/session.h"
#include "tests/ctl_run.h"

#define N_HIST 3
static const char *const hist_names[N_HIST] = { "jitter", "processing", "wakeup" };

/* What radiod would have measured: live histograms and counters. */
struct source {
	struct histogram *h[N_HIST];
	uint64_t callbacks, xruns;
};

/* A GetStats reply made from a source. */
struct reply {
	Radio__Stats st;
	Radio__Histogram h[N_HIST], *hp[N_HIST];
	struct histogram_snapshot *snap[N_HIST];
	int32_t idx[N_HIST][HISTOGRAM_MAX_PAIRS];
	uint64_t cnt[N_HIST][HISTOGRAM_MAX_PAIRS];
};

static void source_init(struct source *src)
{
	memset(src, 0, sizeof *src);
	for (int i = 0; i < N_HIST; i++) {
		src->h[i] = histogram_create(i == 0, NULL);
		assert_non_null(src->h[i]);
	}
}

static void source_fini(struct source *src)
{
	for (int i = 0; i < N_HIST; i++)
		histogram_destroy(src->h[i]);
}

/* n callbacks: jitter j_ns, processing p_ns, wakeup w_ns each. */
static void run(struct source *src, int n, int64_t j_ns, int64_t p_ns, int64_t w_ns)
{
	for (int k = 0; k < n; k++) {
		histogram_record(src->h[0], j_ns);
		histogram_record(src->h[1], p_ns);
		histogram_record(src->h[2], w_ns);
	}
	src->callbacks += (uint64_t)n;
}

static struct reply *reply_of(const struct source *src)
{
	struct reply *r = calloc(1, sizeof *r);

	assert_non_null(r);
	radio__stats__init(&r->st);
	for (int i = 0; i < N_HIST; i++) {
		struct histogram_totals t;
		int n;

		r->snap[i] = histogram_snapshot_create(i == 0, NULL);
		assert_int_equal(histogram_snapshot_take(src->h[i], r->snap[i]), 0);
		n = histogram_snapshot_to_sparse(r->snap[i], r->idx[i], r->cnt[i],
						 HISTOGRAM_MAX_PAIRS);
		assert_true(n >= 0);
		histogram_snapshot_totals(r->snap[i], &t);
		radio__histogram__init(&r->h[i]);
		r->h[i].name = (char *)hist_names[i];
		r->h[i].has_is_signed = 1;
		r->h[i].is_signed = i == 0;
		r->h[i].has_count = r->h[i].has_sum_ns = r->h[i].has_min_ns = 1;
		r->h[i].has_max_ns = r->h[i].has_clamped = 1;
		r->h[i].count = histogram_snapshot_count(r->snap[i]);
		r->h[i].sum_ns = t.sum;
		r->h[i].min_ns = t.min;
		r->h[i].max_ns = t.max;
		r->h[i].clamped = t.clamped;
		r->h[i].n_index = r->h[i].n_bucket_count = (size_t)n;
		r->h[i].index = r->idx[i];
		r->h[i].bucket_count = r->cnt[i];
		r->hp[i] = &r->h[i];
	}
	r->st.n_histogram = N_HIST;
	r->st.histogram = r->hp;
	r->st.has_callbacks = r->st.has_frames = r->st.has_xruns = 1;
	r->st.callbacks = src->callbacks;
	r->st.frames = src->callbacks * 256;
	r->st.xruns = src->xruns;
	r->st.has_elapsed_s = 1;
	r->st.elapsed_s = (double)src->callbacks * 256 / 48000;
	r->st.has_sample_rate_hz = r->st.has_period_frames = 1;
	r->st.sample_rate_hz = 48000;
	r->st.period_frames = 256;
	return r;
}

static void reply_free(struct reply *r)
{
	for (int i = 0; i < N_HIST; i++)
		histogram_snapshot_destroy(r->snap[i]);
	free(r);
}

static void record_start(struct session *s, const struct source *src, double t)
{
	struct reply *r = reply_of(src);
	char err[256] = "";

	assert_int_equal(session_record_start(s, &r->st, t, err, sizeof err), 0);
	reply_free(r);
}

static void record_next(struct session *s, const struct source *src, double t)
{
	struct reply *r = reply_of(src);
	char err[256] = "";
	int ret = session_record_next(s, &r->st, t, err, sizeof err);

	if (ret)
		fail_msg("session_record_next: %s", err);
	reply_free(r);
}

static struct session *new_session(void)
{
	struct session *s = session_create();

	assert_non_null(s);
	assert_int_equal(session_set(&s->meta.label, "baseline"), 0);
	assert_int_equal(session_set(&s->meta.host, "head-unit"), 0);
	assert_int_equal(session_set(&s->meta.cpu, "Cortex-A53"), 0);
	assert_int_equal(session_set(&s->meta.config_sha256, "ab12"), 0);
	s->meta.sample_rate_hz = 48000;
	s->meta.period_frames = 256;
	s->meta.interval_s = 1;
	return s;
}

/* A session of `seconds` 1 s intervals of 100 callbacks at the given
 * processing time, with xruns spread over them. */
static struct session *steady_session(int seconds, int64_t processing_ns, uint64_t xruns)
{
	struct session *s = new_session();
	struct source src;

	source_init(&src);
	run(&src, 50, 0, processing_ns, 30000);
	record_start(s, &src, 100.0);
	for (int k = 1; k <= seconds; k++) {
		run(&src, 100, 1000, processing_ns, 30000);
		src.xruns = xruns * (uint64_t)k / (uint64_t)seconds;
		record_next(s, &src, 100.0 + k);
	}
	source_fini(&src);
	return s;
}

/* ------------------------------------------------------------ recording */

static void test_an_interval_is_the_delta_of_two_snapshots(void **state)
{
	(void)state;
	struct session *s = new_session();
	struct source src;
	const struct session_interval *iv;

	source_init(&src);
	/* Before the recording: 1000 slow callbacks that must not count. */
	run(&src, 1000, -5000, 900000, 800000);
	src.xruns = 7;
	record_start(s, &src, 10.0);
	run(&src, 99, 1000, 20000, 50000);
	run(&src, 1, 3000, 40000, 70000);
	src.xruns = 9;
	record_next(s, &src, 11.5);

	assert_int_equal(s->n_intervals, 1);
	iv = &s->intervals[0];
	assert_true(fabs(iv->t_s - 1.5) < 1e-9 && fabs(iv->elapsed_s - 1.5) < 1e-9);
	assert_int_equal(iv->callbacks, 100);
	assert_int_equal(iv->frames, 100 * 256);
	assert_int_equal(iv->xruns, 2);
	assert_false(iv->reset);
	/* processing: 99 at 20 us, 1 at 40 us; within the scheme's 0.78 %. */
	assert_int_equal(iv->timing[1].count, 100);
	assert_true(labs((long)(iv->timing[1].p50_ns - 20000)) <= 20000 / 128);
	assert_true(labs((long)(iv->timing[1].p99_ns - 20000)) <= 20000 / 128);
	/* Not new maxima of the whole run: the delta places them in their
	 * bucket, at most 1/64 of the value wide. */
	assert_true(labs((long)(iv->timing[1].max_ns - 40000)) <= 40000 / 64);
	assert_true(labs((long)(iv->timing[2].max_ns - 70000)) <= 70000 / 64);
	/* budget: 40 us of a 5.333 ms period */
	assert_true(fabs(iv->budget_max - 40000.0 / (256e9 / 48000)) < 1e-4);
	assert_true(fabs(iv->budget_p99 - 20000.0 / (256e9 / 48000)) < 1e-4);
	assert_int_equal(s->callbacks, 100);
	assert_int_equal(s->xruns, 2);
	assert_int_equal(histogram_snapshot_count(s->hist[1].snap), 100);
	assert_int_equal(histogram_snapshot_max(s->hist[1].snap), iv->timing[1].max_ns);
	source_fini(&src);
	session_free(s);
}

static void test_a_reset_during_the_recording_counts_what_came_after_it(void **state)
{
	(void)state;
	struct session *s = new_session();
	struct source src, after;

	source_init(&src);
	run(&src, 500, 0, 20000, 50000);
	record_start(s, &src, 0);
	run(&src, 100, 0, 20000, 50000);
	record_next(s, &src, 1);
	/* radiod's baseline moved: its counts restart from zero. */
	source_init(&after);
	run(&after, 30, 0, 25000, 50000);
	record_next(s, &after, 2);

	assert_int_equal(s->n_intervals, 2);
	assert_false(s->intervals[0].reset);
	assert_true(s->intervals[1].reset);
	assert_int_equal(s->intervals[1].callbacks, 30);
	assert_int_equal(s->resets, 1);
	assert_int_equal(s->callbacks, 130);
	assert_int_equal(histogram_snapshot_count(s->hist[1].snap), 130);
	source_fini(&src);
	source_fini(&after);
	session_free(s);
}

static void test_recording_needs_radiods_histograms(void **state)
{
	(void)state;
	struct session *s = new_session();
	Radio__Stats st = RADIO__STATS__INIT;
	char err[256] = "";

	assert_int_equal(session_record_start(s, &st, 0, err, sizeof err), -EPROTO);
	assert_string_equal(err, "radiod sent no histograms with its statistics");
	session_free(s);
}

static void test_a_histogram_radiod_stops_sending_is_an_error(void **state)
{
	(void)state;
	struct session *s = new_session();
	struct source src;
	struct reply *r;
	char err[256] = "";

	source_init(&src);
	record_start(s, &src, 0);
	r = reply_of(&src);
	r->st.n_histogram = 2;
	assert_int_equal(session_record_next(s, &r->st, 1, err, sizeof err), -EPROTO);
	assert_string_equal(err, "radiod stopped sending the histogram 'wakeup'");
	reply_free(r);
	source_fini(&src);
	session_free(s);
}

/* ------------------------------------------------------------ the file */

static json_t *to_json(const struct session *s)
{
	json_t *doc = session_to_json(s);

	assert_non_null(doc);
	return doc;
}

static void test_a_session_survives_the_file_round_trip(void **state)
{
	(void)state;
	struct session *s = steady_session(5, 20000, 3), *back;
	char path[] = "/tmp/test-session-XXXXXX";
	char err[512] = "";
	int fd = mkstemp(path);
	json_t *a, *b;

	assert_true(fd >= 0);
	close(fd);
	s->meta.interrupted = true;
	assert_int_equal(session_set(&s->meta.label, "before the \"fix\" \xc3\xa9\xff"), 0);
	assert_int_equal(session_save(s, path, err, sizeof err), 0);
	assert_int_equal(session_load(path, &back, err, sizeof err), 0);
	unlink(path);

	/* Invalid UTF-8 in a label becomes U+FFFD, the rest is kept. */
	assert_string_equal(back->meta.label, "before the \"fix\" \xc3\xa9\xef\xbf\xbd");
	assert_string_equal(back->meta.host, "head-unit");
	assert_true(back->meta.interrupted);
	assert_int_equal(back->n_intervals, 5);
	assert_int_equal(back->n_hist, 3);
	assert_string_equal(back->hist[2].name, "wakeup");
	assert_true(histogram_snapshot_is_signed(back->hist[0].snap));
	assert_int_equal(back->xruns, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(histogram_snapshot_count(back->hist[i].snap),
				 histogram_snapshot_count(s->hist[i].snap));
		assert_int_equal(histogram_snapshot_percentile(back->hist[i].snap, 99.9),
				 histogram_snapshot_percentile(s->hist[i].snap, 99.9));
	}
	/* Everything: written again, the document is the same. */
	a = to_json(s);
	b = to_json(back);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	session_free(back);
	session_free(s);
}

/* Loads doc, expecting a refusal whose message holds want. */
static void refused(json_t *doc, const char *want)
{
	struct session *s = (struct session *)1;
	char err[512] = "";

	assert_int_equal(session_from_json(doc, "x.json", &s, err, sizeof err), -EINVAL);
	assert_null(s);
	if (!strstr(err, want))
		fail_msg("message '%s' lacks '%s'", err, want);
	json_decref(doc);
}

static void test_invalid_files_are_refused_naming_the_field(void **state)
{
	(void)state;
	struct session *s = steady_session(2, 20000, 0);
	json_t *d;

	refused(json_array(), "x.json: not a radiod session (not a JSON object)");

	d = to_json(s);
	json_object_set_new(d, "format", json_string("something-else"));
	refused(d, "x.json: not a radiod session (no \"format\": \"radiod-session\")");

	d = to_json(s);
	json_object_set_new(d, "version", json_integer(2));
	refused(d, "x.json: version: 2 is newer than this radioctl reads (1)");

	d = to_json(s);
	json_object_del(json_object_get(d, "host"), "cpu");
	refused(d, "x.json: host.cpu: missing");

	d = to_json(s);
	json_object_set_new(json_object_get(json_object_get(json_array_get(json_object_get(d,
		"intervals"), 1), "timing"), "jitter"), "p99_ns", json_string("fast"));
	refused(d, "x.json: intervals[1].timing.jitter.p99_ns: not an integer");

	d = to_json(s);
	json_object_set_new(json_object_get(json_array_get(json_object_get(d, "intervals"), 0),
					    "timing"), "latency", json_object());
	refused(d, "x.json: intervals[0].timing.latency: no histogram of that name");

	d = to_json(s);
	json_object_set_new(json_object_get(d, "totals"), "xruns", json_integer(5));
	refused(d, "x.json: totals.xruns: 5 is not the sum over the intervals (0)");

	d = to_json(s);
	json_object_set_new(json_array_get(json_object_get(d, "histograms"), 1), "count",
			    json_integer(1));
	refused(d, "x.json: histograms[1].count: 1 is not the sum of the bucket counts (200)");

	/* 200 values of 100 ns, but a minimum and maximum of 30 us: not a
	 * histogram of libdsp's scheme. */
	d = to_json(s);
	json_object_set_new(json_array_get(json_object_get(d, "histograms"), 2), "buckets",
			    json_pack("[[i,i]]", 100, 200));
	refused(d, "x.json: histograms[2]: not a histogram");

	d = to_json(s);
	json_array_append_new(json_object_get(json_array_get(json_object_get(d, "histograms"), 0),
					      "buckets"), json_pack("[i,i]", 5000, 1));
	refused(d, "x.json: histograms[0].buckets: [");

	d = to_json(s);
	json_object_set_new(d, "interval_s", json_real(-1));
	refused(d, "x.json: interval_s: -1 is out of range");

	session_free(s);
}

static void test_a_file_that_is_not_json_is_refused_with_line_and_column(void **state)
{
	(void)state;
	char path[] = "/tmp/test-session-XXXXXX";
	struct session *s;
	char err[512] = "";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"format\":\n  nope}", 18), 18);
	close(fd);
	assert_int_equal(session_load(path, &s, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, ":2:"));
	assert_non_null(strstr(err, "not JSON"));
	unlink(path);
	assert_int_equal(session_load(path, &s, err, sizeof err), -ENOENT);
	assert_non_null(strstr(err, "cannot read /tmp/test-session-"));
	assert_non_null(strstr(err, "No such file or directory"));
}

/* ------------------------------------------------------------ compare */

static const struct session_row *row(const struct session_comparison *c, const char *name)
{
	for (size_t i = 0; i < c->n_rows; i++)
		if (strcmp(c->row[i].name, name) == 0)
			return &c->row[i];
	fail_msg("no row '%s'", name);
	abort();	/* fail_msg does not return; the compiler cannot know */
}

static void test_a_session_compared_with_itself_does_not_regress(void **state)
{
	(void)state;
	struct session *a = steady_session(5, 20000, 2);
	struct session_thresholds t;
	struct session_comparison *c = malloc(sizeof *c);

	session_thresholds_default(&t);
	session_compare(a, a, &t, c);
	assert_int_equal(c->n_regressed, 0);
	assert_int_equal(c->n_notes, 0);
	assert_true(row(c, "processing p99")->delta == 0);
	assert_true(row(c, "xruns")->a == 2 && row(c, "xruns")->b == 2);
	free(c);
	session_free(a);
}

static void test_p99_regresses_past_its_percentage_and_the_minimum_change(void **state)
{
	(void)state;
	struct session *a = steady_session(5, 100000, 0);
	struct session *b = steady_session(5, 130000, 0);
	struct session_thresholds t;
	struct session_comparison *c = malloc(sizeof *c);

	session_thresholds_default(&t);
	session_compare(a, b, &t, c);
	/* +30 % and +30 us: past 25 % and 20 us */
	assert_true(fabs(row(c, "processing p99")->delta_pct - 30) < 1.6);
	assert_true(row(c, "processing p99")->regressed);
	assert_true(row(c, "processing p99.9")->regressed == false);	/* 50 % */
	assert_false(row(c, "processing max")->regressed);	/* 100 % */
	assert_false(row(c, "processing p50")->regressed);	/* never gated */
	assert_int_equal(c->n_regressed, 1);

	t.p99_pct = 35;
	session_compare(a, b, &t, c);
	assert_int_equal(c->n_regressed, 0);

	t.p99_pct = 25;
	t.min_change_ns = 40000;
	session_compare(a, b, &t, c);
	assert_int_equal(c->n_regressed, 0);

	t.min_change_ns = 0;
	t.max_pct = 10;
	session_compare(a, b, &t, c);
	assert_true(row(c, "processing max")->regressed);
	free(c);
	session_free(a);
	session_free(b);
}

static void test_a_faster_b_never_regresses(void **state)
{
	(void)state;
	struct session *a = steady_session(5, 130000, 3);
	struct session *b = steady_session(5, 100000, 0);
	struct session_thresholds t;
	struct session_comparison *c = malloc(sizeof *c);

	session_thresholds_default(&t);
	t.min_change_ns = 0;
	t.p99_pct = t.p999_pct = t.max_pct = 0;
	session_compare(a, b, &t, c);
	assert_int_equal(c->n_regressed, 0);
	free(c);
	session_free(a);
	session_free(b);
}

static void test_xruns_regress_beyond_as_rate_scaled_to_bs_duration(void **state)
{
	(void)state;
	struct session *a = steady_session(10, 20000, 2);
	struct session *b_same_rate = steady_session(20, 20000, 4);
	struct session *b_more = steady_session(10, 20000, 3);
	struct session_thresholds t;
	struct session_comparison *c = malloc(sizeof *c);

	session_thresholds_default(&t);
	session_compare(a, b_same_rate, &t, c);
	assert_false(row(c, "xruns")->regressed);
	session_compare(a, b_more, &t, c);
	assert_true(row(c, "xruns")->regressed);
	t.xruns = 1;
	session_compare(a, b_more, &t, c);
	assert_false(row(c, "xruns")->regressed);
	free(c);
	session_free(a);
	session_free(b_same_rate);
	session_free(b_more);
}

static void test_compare_notes_a_different_jack_setup_and_configuration(void **state)
{
	(void)state;
	struct session *a = steady_session(2, 20000, 0), *b = steady_session(2, 20000, 0);
	struct session_thresholds t;
	struct session_comparison *c = malloc(sizeof *c);

	b->meta.period_frames = 128;
	assert_int_equal(session_set(&b->meta.config_sha256, "cd34"), 0);
	session_thresholds_default(&t);
	session_compare(a, b, &t, c);
	assert_int_equal(c->n_notes, 2);
	assert_string_equal(c->note[0], "different JACK setups: A 48000 Hz / 256 frames, "
					"B 48000 Hz / 128 frames");
	assert_string_equal(c->note[1], "different radiod configurations (config_sha256 ab12 "
					"vs cd34)");
	free(c);
	session_free(a);
	session_free(b);
}

/* ------------------------------------------------- radioctl compare, plot */


static void save(struct session *s, char *path)
{
	char err[512];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(session_save(s, path, err, sizeof err), 0);
	session_free(s);
}

static void test_compare_exits_0_1_2_or_7(void **state)
{
	(void)state;
	char a[] = "/tmp/test-session-a-XXXXXX", b[] = "/tmp/test-session-b-XXXXXX";
	char bad[] = "/tmp/test-session-bad-XXXXXX";
	struct run r;
	FILE *f;
	int fd;

	save(steady_session(3, 100000, 0), a);
	save(steady_session(3, 250000, 1), b);
	fd = mkstemp(bad);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("{\"format\": \"radiod-session\", \"version\": 1}\n", f);
	fclose(f);

	RUN(&r, "compare", a, a);
	assert_int_equal(r.code, CTL_OK);
	assert_non_null(strstr(r.out, "\nB is within the thresholds of A\n"));
	free(r.out);

	RUN(&r, "compare", a, b);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.out, "\nxruns "));
	assert_non_null(strstr(r.out, "B regressed past the thresholds in 4 figures: xruns, "
				      "processing p99, processing p99.9, processing max\n"));
	assert_non_null(strstr(r.err, "regressed against"));
	free(r.out);

	RUN(&r, "--json", "compare", a, b, "--threshold-xruns", "1", "--min-change-us", "200");
	assert_int_equal(r.code, CTL_OK);
	assert_non_null(strstr(r.out, "\"regressed\":false,\"regressions\":[]}\n"));
	free(r.out);

	RUN(&r, "compare", a, bad);
	assert_int_equal(r.code, CTL_BAD_INPUT);
	assert_non_null(strstr(r.err, bad));
	assert_non_null(strstr(r.err, ": label: missing"));
	free(r.out);

	RUN(&r, "compare", a);
	assert_int_equal(r.code, CTL_USAGE);
	free(r.out);
	RUN(&r, "compare", a, b, "--threshold-p99", "-5");
	assert_int_equal(r.code, CTL_USAGE);
	assert_string_equal(r.err, "--threshold-p99: -5 is out of range 0 .. 1e+06");
	free(r.out);

	unlink(a);
	unlink(b);
	unlink(bad);
}

static void test_plot_names_the_format_it_wants(void **state)
{
	(void)state;
	struct run r;

	RUN(&r, "plot", "s.json", "-o", "s.jpg");
	assert_int_equal(r.code, CTL_USAGE);
	assert_string_equal(r.err, "plot: -o s.jpg: the name must end in .png or .svg (it "
				   "chooses the format)");
	free(r.out);
	RUN(&r, "plot", "/nonexistent/s.json", "-o", "s.png");
	assert_int_equal(r.code, CTL_BAD_INPUT);
	assert_non_null(strstr(r.err, "cannot read /nonexistent/s.json"));
	free(r.out);
}

static void test_record_checks_its_arguments_before_connecting(void **state)
{
	(void)state;
	static const struct {
		const char *args[8];
		const char *err;
	} cases[] = {
		{ { "record", "--interval", "1", "-o", "x.json" },
		  "record: --duration, --interval and -o are needed" },
		{ { "record", "--duration", "5", "--interval", "10", "-o", "x.json" },
		  "record: --interval 10 s is longer than --duration 5 s" },
		{ { "record", "--duration", "1d", "--interval", "1", "-o", "x.json" },
		  "--duration: '1d' has an unknown unit (ms, s, m or h)" },
		{ { "record", "--duration", "2h", "--interval", "50ms", "-o", "x.json" },
		  "record: 7200 s in 0.05 s intervals is more than 100000 intervals" },
		{ { "record", "--duration", "700000", "--interval", "1", "-o", "x.json" },
		  "--duration: 700000 is out of range 0.05 .. 604800 s" },
		{ { "record", "--duration", "1", "--interval", "1", "-o", "/nonexistent/x.json" },
		  "record: cannot write beside /nonexistent/x.json" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *argv[10] = { NULL };
		struct run r;
		size_t n = 0;

		argv[n++] = "--socket";
		argv[n++] = "/nonexistent/control.sock";
		for (size_t k = 0; cases[i].args[k]; k++)
			argv[n++] = cases[i].args[k];
		run_argv(&r, argv);
		if (!strstr(r.err, cases[i].err))
			fail_msg("case %zu: '%s' lacks '%s'", i, r.err, cases[i].err);
		assert_true(r.code == CTL_USAGE || r.code == CTL_FAILURE);
		free(r.out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_interval_is_the_delta_of_two_snapshots),
		cmocka_unit_test(test_a_reset_during_the_recording_counts_what_came_after_it),
		cmocka_unit_test(test_recording_needs_radiods_histograms),
		cmocka_unit_test(test_a_histogram_radiod_stops_sending_is_an_error),
		cmocka_unit_test(test_a_session_survives_the_file_round_trip),
		cmocka_unit_test(test_invalid_files_are_refused_naming_the_field),
		cmocka_unit_test(test_a_file_that_is_not_json_is_refused_with_line_and_column),
		cmocka_unit_test(test_a_session_compared_with_itself_does_not_regress),
		cmocka_unit_test(test_p99_regresses_past_its_percentage_and_the_minimum_change),
		cmocka_unit_test(test_a_faster_b_never_regresses),
		cmocka_unit_test(test_xruns_regress_beyond_as_rate_scaled_to_bs_duration),
		cmocka_unit_test(test_compare_notes_a_different_jack_setup_and_configuration),
		cmocka_unit_test(test_compare_exits_0_1_2_or_7),
		cmocka_unit_test(test_plot_names_the_format_it_wants),
		cmocka_unit_test(test_record_checks_its_arguments_before_connecting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Every libdsp function that runs on the audio thread makes no heap
 * allocation, shown two ways:
 *   - default build: a counting malloc interposer (this file defines malloc,
 *     free and friends, so calls from FFTW and libc are seen too) wraps the
 *     calls, and every test asserts zero allocations and zero frees;
 *   - --enable-rtsan build: the same calls run under RealtimeSanitizer, which
 *     aborts the test on any allocation, lock or blocking call inside a DSP_RT
 *     function (tests/test_rtsan_detects shows that it does).
 * ASan and TSan own malloc, so those builds skip these tests.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/biquad.h"
#include "libdsp/eq.h"
#include "libdsp/gain.h"
#include "libdsp/histogram.h"
#include "libdsp/meter.h"
#include "libdsp/siggen.h"
#include "libdsp/spectrum.h"
#include "libdsp/tribuf.h"

#if defined(RADIOD_ASAN) || defined(RADIOD_TSAN)
#define CHECKED 0
#define COUNTING 0
#elif defined(RADIOD_RTSAN)
#define CHECKED 1
#define COUNTING 0
#else
#define CHECKED 1
#define COUNTING 1
#endif

#define RATE 48000.0
#define CHANNELS 2
#define MAX_BLOCK 4096

#if COUNTING
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);
void __libc_free(void *p);

static _Thread_local int counting;
static _Thread_local unsigned long n_allocs, n_frees;

void *malloc(size_t n)
{
	n_allocs += counting;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	n_allocs += counting;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	n_allocs += counting;
	return __libc_realloc(p, n);
}

void free(void *p)
{
	n_frees += counting && p;
	__libc_free(p);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	n_allocs += counting;
	void *p = __libc_memalign(align, n);
	if (!p)
		return 12; /* ENOMEM, without errno.h's macros leaking into the interposer */
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
	n_allocs += counting;
	return __libc_memalign(align, n);
}

void *memalign(size_t align, size_t n)
{
	n_allocs += counting;
	return __libc_memalign(align, n);
}

static void rt_begin(void)
{
	n_allocs = n_frees = 0;
	counting = 1;
}

static void rt_end(const char *what)
{
	counting = 0;
	print_message("# %s: %lu allocations, %lu frees\n", what, n_allocs, n_frees);
	assert_int_equal(n_allocs, 0);
	assert_int_equal(n_frees, 0);
}
#else
static void rt_begin(void)
{
}

static void rt_end(const char *what)
{
	(void)what;
}
#endif

static void require_checked(void)
{
	if (!CHECKED)
		skip();
}

/* Two channels of a -6 dBFS 997 Hz sine in buffers of MAX_BLOCK frames. */
static float in_l[MAX_BLOCK], in_r[MAX_BLOCK], out_l[MAX_BLOCK], out_r[MAX_BLOCK];

static void fill_input(void)
{
	for (int i = 0; i < MAX_BLOCK; i++)
		in_l[i] = in_r[i] = (float)(0.5 * sin(2 * M_PI * 997.0 * i / RATE));
}

static const uint32_t block_sizes[] = { 1, 17, 64, 512, 4096 };
#define N_SIZES (sizeof block_sizes / sizeof block_sizes[0])

static void eight_band_design(struct eq_design *d, double gain_db)
{
	struct eq_params p;
	eq_params_default(&p, 8);
	for (uint32_t b = 0; b < 8; b++)
		p.band[b].gain_db = gain_db * ((b & 1) ? -1 : 1);
	assert_int_equal(eq_design(d, &p, RATE, NULL), 0);
}

static void test_counting_interposer_sees_an_allocation(void **state)
{
	if (!COUNTING)
		skip();
#if COUNTING
	void *(*volatile alloc)(size_t) = malloc;
	rt_begin();
	void *p = alloc(32);
	free(p);
	counting = 0;
	assert_int_equal(n_allocs, 1);
	assert_int_equal(n_frees, 1);
#endif
}

static void test_biquad_process_allocates_nothing(void **state)
{
	require_checked();
	struct biquad_coefs c;
	struct biquad bq;
	assert_int_equal(biquad_design(&c, BIQUAD_PEAKING, RATE, 1000, 1.0, 6.0), 0);
	biquad_init(&bq, &c);
	fill_input();
	rt_begin();
	for (size_t s = 0; s < N_SIZES; s++)
		biquad_process(&bq, in_l, out_l, block_sizes[s]);
	biquad_reset(&bq);
	rt_end("biquad_process");
}

static void test_eq_process_and_ramps_allocate_nothing(void **state)
{
	require_checked();
	struct eq *eq = eq_create(CHANNELS, RATE, 20, NULL);
	assert_non_null(eq);
	struct eq_design a, b;
	eight_band_design(&a, 6);
	eight_band_design(&b, -9);
	const float *in[CHANNELS] = { in_l, in_r };
	float *out[CHANNELS] = { out_l, out_r };
	fill_input();
	rt_begin();
	for (int rep = 0; rep < 4; rep++) {
		assert_int_equal(eq_set_design(eq, (rep & 1) ? &b : &a), 0);
		for (size_t s = 0; s < N_SIZES; s++)
			eq_process(eq, in, out, block_sizes[s]);
	}
	eq_reset(eq);
	rt_end("eq_set_design + eq_process");
	eq_destroy(eq);
}

static void test_gain_process_and_setters_allocate_nothing(void **state)
{
	require_checked();
	struct gain *g = gain_create(CHANNELS, RATE, NULL);
	assert_non_null(g);
	float *buf[CHANNELS] = { out_l, out_r };
	fill_input();
	memcpy(out_l, in_l, sizeof out_l);
	memcpy(out_r, in_r, sizeof out_r);
	rt_begin();
	gain_set_volume(g, -12, 30);
	gain_set_trim(g, 1, -3);
	for (size_t s = 0; s < N_SIZES; s++)
		gain_process(g, buf, block_sizes[s]);
	gain_set_mute(g, true, 10);
	for (size_t s = 0; s < N_SIZES; s++)
		gain_process(g, buf, block_sizes[s]);
	rt_end("gain setters + gain_process");
	gain_destroy(g);
}

static void test_meter_process_allocates_nothing(void **state)
{
	require_checked();
	struct meter *m = meter_create(CHANNELS, RATE, 0, NULL);
	assert_non_null(m);
	const float *in[CHANNELS] = { in_l, in_r };
	fill_input();
	rt_begin();
	for (int rep = 0; rep < 20; rep++)
		for (size_t s = 0; s < N_SIZES; s++)
			meter_process(m, in, block_sizes[s]);
	rt_end("meter_process");
	meter_destroy(m);
}

static void test_spectrum_process_allocates_nothing(void **state)
{
	require_checked();
	struct spectrum *sp = spectrum_create(CHANNELS, RATE, NULL, NULL);
	assert_non_null(sp);
	const float *in[CHANNELS] = { in_l, in_r };
	fill_input();
	rt_begin();
	for (int rep = 0; rep < 8; rep++)
		for (size_t s = 0; s < N_SIZES; s++)
			spectrum_process(sp, in, block_sizes[s]);
	spectrum_reset(sp);
	spectrum_process(sp, in, 4096);
	rt_end("spectrum_process (transforms and publishes)");
	struct spectrum_frame f;
	spectrum_read(sp, &f);
	assert_true(f.seq > 8); /* the transforms really ran */
	spectrum_destroy(sp);
}

static void test_siggen_process_allocates_nothing_for_every_kind(void **state)
{
	require_checked();
	static const enum siggen_kind kinds[] = { SIGGEN_SINE, SIGGEN_SWEEP, SIGGEN_WHITE,
						  SIGGEN_PINK, SIGGEN_IMPULSE, SIGGEN_MULTITONE };
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct siggen_params p = {
			.kind = kinds[k], .freq_hz = 100, .freq_end_hz = 10000,
			.level_dbfs = -6, .duration_s = 0.5, .n_tones = 3,
			.tone_hz = { 100, 1000, 5000 }, .seed = 7,
		};
		struct siggen g;
		assert_int_equal(siggen_init(&g, &p, RATE, NULL), 0);
		rt_begin();
		for (size_t s = 0; s < N_SIZES; s++)
			siggen_process(&g, out_l, block_sizes[s]);
		(void)siggen_done(&g);
		rt_end(siggen_kind_name(kinds[k]));
	}
}

static void test_histogram_record_allocates_nothing(void **state)
{
	require_checked();
	struct histogram *h = histogram_create(true, NULL);
	assert_non_null(h);
	rt_begin();
	for (int64_t v = -100000; v <= 100000000; v += 997)
		histogram_record(h, v);
	histogram_record(h, INT64_MAX);
	histogram_record(h, INT64_MIN);
	rt_end("histogram_record");
	histogram_destroy(h);
}

static void test_tribuf_write_and_publish_allocate_nothing(void **state)
{
	require_checked();
	struct tribuf *tb = tribuf_create(256, NULL);
	assert_non_null(tb);
	rt_begin();
	for (int i = 0; i < 100; i++) {
		memset(tribuf_write_slot(tb), i, 256);
		tribuf_publish(tb);
	}
	rt_end("tribuf_write_slot + tribuf_publish");
	tribuf_destroy(tb);
}

/* The whole chain as the daemon runs it, block after block. */
static void test_whole_chain_allocates_nothing(void **state)
{
	require_checked();
	struct eq *eq = eq_create(CHANNELS, RATE, 20, NULL);
	struct gain *g = gain_create(CHANNELS, RATE, NULL);
	struct meter *m = meter_create(CHANNELS, RATE, 0, NULL);
	struct spectrum *sp = spectrum_create(CHANNELS, RATE, NULL, NULL);
	struct histogram *h = histogram_create(false, NULL);
	assert_true(eq && g && m && sp && h);
	struct eq_design d;
	eight_band_design(&d, 4);
	struct siggen_params p = { .kind = SIGGEN_SINE, .freq_hz = 1000, .level_dbfs = -20 };
	struct siggen sg;
	assert_int_equal(siggen_init(&sg, &p, RATE, NULL), 0);
	const float *in[CHANNELS] = { out_l, out_r };
	float *out[CHANNELS] = { out_l, out_r };
	rt_begin();
	eq_set_design(eq, &d);
	gain_set_volume(g, -3, 50);
	for (int blk = 0; blk < 400; blk++) {
		siggen_process(&sg, out_l, 512);
		memcpy(out_r, out_l, 512 * sizeof(float));
		eq_process(eq, in, out, 512);
		gain_process(g, out, 512);
		meter_process(m, in, 512);
		spectrum_process(sp, in, 512);
		histogram_record(h, 1000 + blk);
	}
	rt_end("siggen -> eq -> gain -> meter -> spectrum -> histogram, 400 blocks");
	histogram_destroy(h);
	spectrum_destroy(sp);
	meter_destroy(m);
	gain_destroy(g);
	eq_destroy(eq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counting_interposer_sees_an_allocation),
		cmocka_unit_test(test_biquad_process_allocates_nothing),
		cmocka_unit_test(test_eq_process_and_ramps_allocate_nothing),
		cmocka_unit_test(test_gain_process_and_setters_allocate_nothing),
		cmocka_unit_test(test_meter_process_allocates_nothing),
		cmocka_unit_test(test_spectrum_process_allocates_nothing),
		cmocka_unit_test(test_siggen_process_allocates_nothing_for_every_kind),
		cmocka_unit_test(test_histogram_record_allocates_nothing),
		cmocka_unit_test(test_tribuf_write_and_publish_allocate_nothing),
		cmocka_unit_test(test_whole_chain_allocates_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

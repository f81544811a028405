/*
 * test_client_audiofile - `radioctl inject file`'s reader (clients/
 * audiofile.c): a file written here with libsndfile comes back at another
 * rate with its tone at the same frequency and level, its length scaled by
 * the rates, channels interleaved as written; looping is seamless; the
 * gain applies; files that cannot be read are refused naming the file and
 * libsndfile's reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sndfile.h>

#include "clients/audiofile.h"
#include "tests/dsp_testutil.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_client_audiofile.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[384];

	(void)state;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	return rmdir(dir);
}

/* A file of frames frames at rate: channel c is a sine of freq[c] at amp. */
static const char *write_file(const char *name, int format, int rate, int channels,
			      const double *freq, double amp, long frames)
{
	static char path[128];
	SF_INFO info = { .samplerate = rate, .channels = channels, .format = format };
	float *x = malloc((size_t)frames * channels * sizeof *x);
	SNDFILE *sf;

	assert_non_null(x);
	for (long i = 0; i < frames; i++)
		for (int c = 0; c < channels; c++)
			x[i * channels + c] = (float)(amp * sin(2 * M_PI * freq[c] * i / rate));
	snprintf(path, sizeof path, "%s/%s", dir, name);
	sf = sf_open(path, SFM_WRITE, &info);
	assert_non_null(sf);
	assert_int_equal(sf_writef_float(sf, x, frames), frames);
	sf_close(sf);
	free(x);
	return path;
}

/* Every frame the reader gives, in one buffer. */
static float *read_all(struct audiofile *f, uint32_t channels, size_t max, size_t *n)
{
	float *x = malloc(max * channels * sizeof *x);
	char err[256];
	long r;

	assert_non_null(x);
	*n = 0;
	while (*n < max && (r = audiofile_read(f, x + *n * channels,
					       (uint32_t)(max - *n < 1000 ? max - *n : 1000), err,
					       sizeof err)) > 0)
		*n += (size_t)r;
	return x;
}

/* Channel c of interleaved x, frames [from, from + n). */
static float *channel(const float *x, uint32_t channels, uint32_t c, size_t from, size_t n)
{
	float *y = malloc(n * sizeof *y);

	assert_non_null(y);
	for (size_t i = 0; i < n; i++)
		y[i] = x[(from + i) * channels + c];
	return y;
}

static void test_a_44k1_file_reads_at_48k_with_its_tone_and_length(void **state)
{
	(void)state;
	double f1 = 1000;
	const char *path = write_file("tone.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 1, &f1,
				      0.1, 44100);
	char err[256];
	struct audiofile *f = audiofile_open(path, 48000, 0, false, err, sizeof err);
	struct audiofile_info info;
	size_t n;
	float *x, *mid;

	assert_non_null(f);
	audiofile_get_info(f, &info);
	assert_int_equal(info.rate, 44100);
	assert_int_equal(info.channels, 1);
	assert_int_equal(info.frames, 44100);
	assert_non_null(strstr(info.format, "WAV"));
	x = read_all(f, 1, 100000, &n);
	/* One second at either rate. */
	assert_true(n >= 47990 && n <= 48010);
	/* Away from the ends (the resampler's filter starts and stops there). */
	mid = channel(x, 1, 0, 4800, 38400);
	assert_true(fabs(tu_db(tu_amplitude_at(mid, 38400, 48000, 1000)) - -20.0) < 0.01);
	free(mid);
	free(x);
	audiofile_close(f);
}

static void test_a_stereo_flac_keeps_its_channels_apart(void **state)
{
	(void)state;
	double freq[2] = { 500, 3000 };
	const char *path = write_file("two.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 48000, 2, freq,
				      0.5, 24000);
	char err[256];
	struct audiofile *f = audiofile_open(path, 48000, 0, false, err, sizeof err);
	size_t n;
	float *x, *l, *r;

	assert_non_null(f);
	x = read_all(f, 2, 30000, &n);
	assert_int_equal(n, 24000);
	l = channel(x, 2, 0, 0, n);
	r = channel(x, 2, 1, 0, n);
	assert_true(fabs(tu_amplitude_at(l, n, 48000, 500) - 0.5) < 1e-4);
	assert_true(tu_amplitude_at(l, n, 48000, 3000) < 1e-4);
	assert_true(fabs(tu_amplitude_at(r, n, 48000, 3000) - 0.5) < 1e-4);
	assert_true(tu_amplitude_at(r, n, 48000, 500) < 1e-4);
	free(l);
	free(r);
	free(x);
	audiofile_close(f);
}

static void test_the_gain_scales_every_sample(void **state)
{
	(void)state;
	double f1 = 1000;
	const char *path = write_file("gain.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000, 1, &f1,
				      0.5, 4800);
	char err[256];
	struct audiofile *f = audiofile_open(path, 48000, -6.0, false, err, sizeof err);
	size_t n;
	float *x;

	assert_non_null(f);
	x = read_all(f, 1, 10000, &n);
	assert_true(fabs(tu_db(tu_amplitude_at(x, n, 48000, 1000)) - (tu_db(0.5) - 6.0)) < 1e-4);
	free(x);
	audiofile_close(f);
}

static void test_a_loop_goes_on_seamlessly_and_is_counted(void **state)
{
	(void)state;
	/* 100 whole cycles: the loop seam continues the sine exactly. */
	double f1 = 1000;
	const char *path = write_file("loop.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 1, &f1,
				      0.25, 4410);
	char err[256];
	struct audiofile *f = audiofile_open(path, 48000, 0, true, err, sizeof err);
	size_t n;
	float *x, *mid;
	double fit, residual = 0;

	assert_non_null(f);
	x = read_all(f, 1, 48000, &n);
	assert_int_equal(n, 48000);
	assert_true(audiofile_loops(f) >= 9);
	mid = channel(x, 1, 0, 4800, 38400);
	fit = tu_amplitude_at(mid, 38400, 48000, 1000);
	assert_true(fabs(tu_db(fit) - tu_db(0.25)) < 0.01);
	/* Nothing but the tone: no click at the seams. */
	for (size_t i = 0; i < 38400; i++)
		residual = fmax(residual, fabs(mid[i]) - 0.25);
	assert_true(residual < 1e-3);
	free(mid);
	free(x);
	audiofile_close(f);
}

static void test_a_missing_file_is_refused_naming_it_and_the_reason(void **state)
{
	(void)state;
	char err[256], path[128];

	snprintf(path, sizeof path, "%s/nothing-here.wav", dir);
	assert_null(audiofile_open(path, 48000, 0, false, err, sizeof err));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
}

static void test_a_file_that_is_not_audio_is_refused_naming_libsndfiles_reason(void **state)
{
	(void)state;
	char err[256], path[128];
	FILE *g;

	snprintf(path, sizeof path, "%s/garbage.wav", dir);
	g = fopen(path, "w");
	assert_non_null(g);
	for (int i = 0; i < 4096; i++)
		fputc((i * 7919) & 0xff, g);
	fclose(g);
	assert_null(audiofile_open(path, 48000, 0, false, err, sizeof err));
	assert_non_null(strstr(err, path));
	/* libsndfile's own words follow the path. */
	assert_true(strlen(err) > strlen(path) + 12);
}

static void test_an_empty_file_is_refused(void **state)
{
	(void)state;
	double f1 = 1000;
	const char *path = write_file("empty.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000, 1, &f1,
				      0.5, 0);
	char err[256];

	assert_null(audiofile_open(path, 48000, 0, false, err, sizeof err));
	assert_non_null(strstr(err, "holds no audio"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_44k1_file_reads_at_48k_with_its_tone_and_length),
		cmocka_unit_test(test_a_stereo_flac_keeps_its_channels_apart),
		cmocka_unit_test(test_the_gain_scales_every_sample),
		cmocka_unit_test(test_a_loop_goes_on_seamlessly_and_is_counted),
		cmocka_unit_test(test_a_missing_file_is_refused_naming_it_and_the_reason),
		cmocka_unit_test(test_a_file_that_is_not_audio_is_refused_naming_libsndfiles_reason),
		cmocka_unit_test(test_an_empty_file_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

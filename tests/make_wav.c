/*
 * make_wav - writes a test tone to an audio file with libsndfile, for the
 * `radioctl inject file` tests: a sine of a given frequency and peak level,
 * the same in every channel, or a different frequency per channel.
 *
 *   make_wav -r RATE -f HZ[,HZ...] [-c CHANNELS] [-l DBFS] [-d SECONDS] FILE
 *
 * -f with one frequency per channel gives each channel its own tone.  The
 * file type follows the name (.wav: 32-bit float WAV, .flac: 24-bit FLAC).
 * Exit: 0 ok, 1 cannot write, 2 usage.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sndfile.h>

#define MAX_CHANNELS 8

static void usage(void)
{
	fprintf(stderr, "usage: make_wav -r RATE -f HZ[,HZ...] [-c CHANNELS] [-l DBFS] "
		"[-d SECONDS] FILE\n");
	exit(2);
}

static double number(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, "make_wav: %s: '%s' is not a number in %g..%g\n", opt, s, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	double rate = 0, level = -6, seconds = 1, freq[MAX_CHANNELS];
	int channels = 1, n_freq = 0, c;
	SF_INFO info = { 0 };
	SNDFILE *sf;
	const char *path, *dot;
	float *buf;
	sf_count_t frames;

	while ((c = getopt(argc, argv, "r:f:c:l:d:")) != -1) {
		switch (c) {
		case 'r':
			rate = number("-r", optarg, 1000, 768000);
			break;
		case 'f':
			for (char *tok = strtok(optarg, ","); tok; tok = strtok(NULL, ",")) {
				if (n_freq == MAX_CHANNELS)
					usage();
				freq[n_freq++] = number("-f", tok, 1, 384000);
			}
			break;
		case 'c':
			channels = (int)number("-c", optarg, 1, MAX_CHANNELS);
			break;
		case 'l':
			level = number("-l", optarg, -200, 0);
			break;
		case 'd':
			seconds = number("-d", optarg, 0.001, 600);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || !rate || !n_freq || (n_freq > 1 && n_freq != channels))
		usage();
	path = argv[optind];
	dot = strrchr(path, '.');
	info.samplerate = (int)rate;
	info.channels = channels;
	info.format = dot && strcmp(dot, ".flac") == 0 ? SF_FORMAT_FLAC | SF_FORMAT_PCM_24
						       : SF_FORMAT_WAV | SF_FORMAT_FLOAT;
	frames = (sf_count_t)(seconds * rate + 0.5);
	buf = malloc((size_t)frames * channels * sizeof *buf);
	if (!buf) {
		fprintf(stderr, "make_wav: out of memory\n");
		return 1;
	}
	for (sf_count_t i = 0; i < frames; i++)
		for (int ch = 0; ch < channels; ch++)
			buf[i * channels + ch] = (float)(pow(10, level / 20) *
							  sin(2 * M_PI * freq[n_freq > 1 ? ch : 0] *
							      (double)i / rate));
	sf = sf_open(path, SFM_WRITE, &info);
	if (!sf) {
		fprintf(stderr, "make_wav: %s: %s\n", path, sf_strerror(NULL));
		return 1;
	}
	if (sf_writef_float(sf, buf, frames) != frames) {
		fprintf(stderr, "make_wav: %s: %s\n", path, sf_strerror(sf));
		return 1;
	}
	sf_close(sf);
	free(buf);
	return 0;
}

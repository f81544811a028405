/*
 * audiofile.h - an audio file as float frames at the sample rate radiod
 * runs at, for `radioctl inject file`.
 *
 * Decoding is libsndfile's (WAV, FLAC, Ogg/Vorbis, Opus, MP3, AIFF, CAF,
 * ... whatever the installed libsndfile reads); resampling is libsoxr's, at
 * its high quality (SOXR_HQ: 20-bit precision, passband to 91 % of the
 * lower Nyquist frequency, linear phase), skipped when the rates are equal.
 * Looping feeds the file's start again into the same resampler, so the
 * seam is as continuous as the file itself.  A gain in dB is applied to
 * every sample.
 *
 * Units: frames are per channel; samples float, interleaved, full scale
 * 1.0; rates in Hz.
 *
 * Errors: functions returning int give 0 or a negative errno and write a
 * sentence naming the file and the cause (libsndfile's or libsoxr's own
 * words) into err.  Nothing is printed.  Not thread-safe per handle.
 */
#ifndef RADIOD_CLIENTS_AUDIOFILE_H
#define RADIOD_CLIENTS_AUDIOFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIOFILE_MAX_CHANNELS 64

struct audiofile_info {
	char format[96];	/* libsndfile's names: "WAV (Microsoft), Signed 16 bit PCM" */
	uint32_t rate;		/* the file's */
	uint32_t channels;
	uint64_t frames;	/* the file's, at its own rate */
};

struct audiofile;

/*
 * Opens path for reading at out_rate (1000 .. 768000 Hz), scaled by
 * gain_db, looping at the end when loop.  Refuses a file without audio, one
 * with more than AUDIOFILE_MAX_CHANNELS channels, and a file that cannot be
 * looped (not seekable) when loop.  Returns NULL with a sentence in err.
 */
struct audiofile *audiofile_open(const char *path, uint32_t out_rate, double gain_db, bool loop,
				 char *err, size_t err_len);

/* Closes f; NULL is a no-op. */
void audiofile_close(struct audiofile *f);

void audiofile_get_info(const struct audiofile *f, struct audiofile_info *info);

/*
 * Reads up to n frames at out_rate into out (n x channels floats).
 * Returns the frames read, fewer than n only at the end (0 after it), or a
 * negative errno with a sentence in err.
 */
long audiofile_read(struct audiofile *f, float *out, uint32_t n, char *err, size_t err_len);

/* Times the end of the file was reached and its start read again. */
uint64_t audiofile_loops(const struct audiofile *f);

#endif

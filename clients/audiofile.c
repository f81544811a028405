/*
 * audiofile.c - libsndfile decodes, libsoxr resamples (see audiofile.h).
 */
#include "clients/audiofile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>
#include <soxr.h>

/* Frames read from the file per pass. */
#define IN_FRAMES 4096u

struct audiofile {
	char path[4096];
	SNDFILE *sf;
	SF_INFO sfi;
	soxr_t rs;		/* NULL: the rates are equal */
	float gain;
	bool loop;
	uint64_t loops;
	float *in;		/* IN_FRAMES x channels */
	size_t in_len, in_pos;	/* frames read into in, and used */
	bool in_end;		/* the file gave its last frame (not looping) */
	bool done;		/* and the resampler gave its last */
	struct audiofile_info info;
};

/* "WAV (Microsoft), Signed 16 bit PCM", from libsndfile's format tables. */
static void format_name(const SF_INFO *sfi, char *buf, size_t len)
{
	SF_FORMAT_INFO major = { .format = sfi->format & SF_FORMAT_TYPEMASK };
	SF_FORMAT_INFO minor = { .format = sfi->format & SF_FORMAT_SUBMASK };

	if (sf_command(NULL, SFC_GET_FORMAT_INFO, &major, sizeof major) != 0)
		major.name = "unknown format";
	if (sf_command(NULL, SFC_GET_FORMAT_INFO, &minor, sizeof minor) != 0)
		minor.name = NULL;
	if (minor.name)
		snprintf(buf, len, "%s, %s", major.name, minor.name);
	else
		snprintf(buf, len, "%s", major.name);
}

struct audiofile *audiofile_open(const char *path, uint32_t out_rate, double gain_db, bool loop,
				 char *err, size_t err_len)
{
	struct audiofile *f = calloc(1, sizeof *f);
	soxr_io_spec_t io;
	soxr_quality_spec_t q;
	soxr_error_t e;

	if (!f) {
		snprintf(err, err_len, "%s: out of memory", path);
		return NULL;
	}
	snprintf(f->path, sizeof f->path, "%s", path);
	f->sf = sf_open(path, SFM_READ, &f->sfi);
	if (!f->sf) {
		/* libsndfile's reason: "System error : No such file or
		 * directory.", "Format not recognised.", ... */
		snprintf(err, err_len, "cannot read %s: %s%s", path, sf_strerror(NULL),
			 sf_error(NULL) == SF_ERR_UNRECOGNISED_FORMAT
				 ? " (give a file libsndfile decodes: WAV, AIFF, FLAC, Ogg, MP3, ...)"
				 : "");
		goto fail;
	}
	if (f->sfi.frames <= 0) {
		snprintf(err, err_len, "%s holds no audio", path);
		goto fail;
	}
	if (f->sfi.channels < 1 || f->sfi.channels > AUDIOFILE_MAX_CHANNELS) {
		snprintf(err, err_len, "%s has %d channels; at most %d are read", path,
			 f->sfi.channels, AUDIOFILE_MAX_CHANNELS);
		goto fail;
	}
	if (f->sfi.samplerate < 1000 || f->sfi.samplerate > 768000) {
		snprintf(err, err_len, "%s says its sample rate is %d Hz; 1000 .. 768000 are read",
			 path, f->sfi.samplerate);
		goto fail;
	}
	if (loop && !f->sfi.seekable) {
		snprintf(err, err_len, "%s cannot be looped: it is not seekable (a pipe?)", path);
		goto fail;
	}
	f->in = malloc((size_t)IN_FRAMES * f->sfi.channels * sizeof(float));
	if (!f->in) {
		snprintf(err, err_len, "%s: out of memory", path);
		goto fail;
	}
	if ((uint32_t)f->sfi.samplerate != out_rate) {
		io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
		q = soxr_quality_spec(SOXR_HQ, 0);
		f->rs = soxr_create(f->sfi.samplerate, out_rate, (unsigned)f->sfi.channels, &e, &io,
				    &q, NULL);
		if (!f->rs) {
			snprintf(err, err_len, "%s: cannot resample %d Hz to %u Hz: %s", path,
				 f->sfi.samplerate, out_rate, e);
			goto fail;
		}
	}
	f->gain = (float)pow(10.0, gain_db / 20.0);
	f->loop = loop;
	format_name(&f->sfi, f->info.format, sizeof f->info.format);
	f->info.rate = (uint32_t)f->sfi.samplerate;
	f->info.channels = (uint32_t)f->sfi.channels;
	f->info.frames = (uint64_t)f->sfi.frames;
	return f;

fail:
	audiofile_close(f);
	return NULL;
}

void audiofile_close(struct audiofile *f)
{
	if (!f)
		return;
	if (f->sf)
		sf_close(f->sf);
	soxr_delete(f->rs);
	free(f->in);
	free(f);
}

void audiofile_get_info(const struct audiofile *f, struct audiofile_info *info)
{
	*info = f->info;
}

uint64_t audiofile_loops(const struct audiofile *f)
{
	return f->loops;
}

/*
 * Up to n frames of the file (its rate) into out.  At the end: with loop,
 * seeks to the start and goes on; without, returns what it has (0 once
 * there is nothing left).
 */
static long read_file(struct audiofile *f, float *out, uint32_t n, char *err, size_t err_len)
{
	sf_count_t got = 0;
	bool rewound = false;

	while (got < (sf_count_t)n) {
		sf_count_t r = sf_readf_float(f->sf, out + got * f->sfi.channels, n - got);

		if (r < 0 || sf_error(f->sf) != SF_ERR_NO_ERROR) {
			snprintf(err, err_len, "%s: cannot decode: %s", f->path, sf_strerror(f->sf));
			return -EIO;
		}
		got += r;
		if (got == (sf_count_t)n)
			break;
		/* The end.  A file that gives nothing right after a rewind would
		 * loop forever: it ends instead. */
		if (!f->loop || (rewound && r == 0))
			break;
		if (sf_seek(f->sf, 0, SEEK_SET) < 0) {
			snprintf(err, err_len, "%s: cannot go back to its start to loop: %s", f->path,
				 sf_strerror(f->sf));
			return -EIO;
		}
		f->loops++;
		rewound = true;
	}
	return (long)got;
}

long audiofile_read(struct audiofile *f, float *out, uint32_t n, char *err, size_t err_len)
{
	size_t ch = f->info.channels, produced = 0;

	if (!f->rs) {
		long r = read_file(f, out, n, err, err_len);

		if (r > 0)
			for (size_t i = 0; i < (size_t)r * ch; i++)
				out[i] *= f->gain;
		return r;
	}
	while (produced < n && !f->done) {
		size_t idone = 0, odone = 0;
		soxr_error_t e;

		if (f->in_pos == f->in_len && !f->in_end) {
			long r = read_file(f, f->in, IN_FRAMES, err, err_len);

			if (r < 0)
				return r;
			f->in_len = (size_t)r;
			f->in_pos = 0;
			f->in_end = r == 0;
		}
		/* No input (NULL) tells the resampler to flush what it holds. */
		e = soxr_process(f->rs, f->in_end ? NULL : f->in + f->in_pos * ch,
				 f->in_len - f->in_pos, &idone, out + produced * ch, n - produced,
				 &odone);
		if (e) {
			snprintf(err, err_len, "%s: resampling failed: %s", f->path, e);
			return -EIO;
		}
		f->in_pos += idone;
		produced += odone;
		if (f->in_end && odone == 0)
			f->done = true;
	}
	for (size_t i = 0; i < produced * ch; i++)
		out[i] *= f->gain;
	return (long)produced;
}

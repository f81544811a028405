/*
 * cmd_inject_file.c - radioctl inject file: streams an audio file into
 * radiod, decoded and resampled here (clients/audiofile.h), with the flow
 * control of radio.proto's InjectStream / InjectAudio: radiod says after
 * each chunk how much audio it holds, and this keeps about --buffer ms
 * there, sleeping while it holds more.
 *
 * The end of the file (without --loop) or Ctrl-C ends the stream cleanly:
 * radiod plays what it holds and then stops; a second Ctrl-C while it does
 * stops it at once.  Either way the summary, with the underruns radiod
 * counted, is printed and the exit status is 0.
 */
#include "clients/ctl.h"
#include "clients/audiofile.h"
#include "clients/ctl_term.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Samples per InjectAudio: 48 KiB of floats, well inside radiod's 64 KiB
 * frames with the message's own bytes. */
#define CHUNK_SAMPLES 12288u
#define DEFAULT_BUFFER_MS 200L
/* How often the end of a stream is polled for, and how long past the
 * audio it still holds radiod may take to report it. */
#define DRAIN_POLL_MS 20
#define DRAIN_GRACE_S 2.0
/* Never sleep longer than this between chunks. */
#define MAX_SLEEP_MS 100

enum { OPT_LOOP = 1, OPT_LEVEL, OPT_CHANNELS, OPT_REPLACE, OPT_MIX, OPT_BUFFER };

struct feed {
	struct ctl *ctl;
	struct ctl_interrupt in;
	struct audiofile *file;
	struct audiofile_info info;
	const char *path;
	uint32_t rate, channels;	/* radiod's */
	uint32_t mask;			/* 0: all */
	bool replace;
	uint32_t buffer_frames;
	float *chunk;			/* pending frames, interleaved */
	uint32_t chunk_frames, chunk_pos;	/* frames in chunk, and sent of them */
	bool file_done;
	bool interrupted;
	Radio__StreamStatus last;	/* the latest status radiod sent */
	double last_t;			/* when it came, monotonic seconds */
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* For --json: the StreamEnd's name, lower case. */
static const char *end_key(Radio__StreamEnd e)
{
	switch (e) {
	case RADIO__STREAM_END__STREAM_DRAINED:
		return "drained";
	case RADIO__STREAM_END__STREAM_STOPPED:
		return "stopped";
	case RADIO__STREAM_END__STREAM_LOST:
		return "lost";
	default:
		return "not_ended";
	}
}

static const char *end_name(Radio__StreamEnd e)
{
	switch (e) {
	case RADIO__STREAM_END__STREAM_DRAINED:
		return "played to its end";
	case RADIO__STREAM_END__STREAM_STOPPED:
		return "stopped by radiod (radioctl stop, a test signal or another stream)";
	case RADIO__STREAM_END__STREAM_LOST:
		return "lost: JACK went away";
	default:
		return "not ended";
	}
}

/* Sends one request of the stream; keeps its StreamStatus. */
static int send_stream(struct feed *f, Radio__Request *req)
{
	Radio__Reply *reply;
	int r = radioclient_request(f->ctl->rc, req, &reply);

	if (r < 0)
		return ctl_client_error(f->ctl, r);
	if (reply->body_case != RADIO__REPLY__BODY_STREAM || !reply->stream) {
		radioclient_reply_free(reply);
		return ctl_fail(f->ctl, CTL_PROTOCOL, "%s: the reply carries no stream status",
				radioclient_request_name(req));
	}
	/* Scalars only: the copy outlives the reply. */
	f->last = *reply->stream;
	f->last_t = mono_s();
	radioclient_reply_free(reply);
	return CTL_OK;
}

static int send_audio(struct feed *f, const float *x, uint32_t frames, bool end)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__InjectAudio a = RADIO__INJECT_AUDIO__INIT;

	a.n_sample = (size_t)frames * f->info.channels;
	a.sample = (float *)x;
	a.has_end = end;
	a.end = end;
	req.body_case = RADIO__REQUEST__BODY_INJECT_AUDIO;
	req.inject_audio = &a;
	return send_stream(f, &req);
}

/* What radiod holds now, by the last status and the time since. */
static double queued_now(const struct feed *f)
{
	double q = f->last.queued_frames - (mono_s() - f->last_t) * f->rate;

	return q > 0 ? q : 0;
}

/* Refills the chunk from the file when it is used up. */
static int refill(struct feed *f)
{
	uint32_t n = CHUNK_SAMPLES / f->info.channels;
	char err[512];
	long got;

	if (f->chunk_pos < f->chunk_frames || f->file_done)
		return CTL_OK;
	got = audiofile_read(f->file, f->chunk, n, err, sizeof err);
	if (got < 0)
		return ctl_fail(f->ctl, CTL_BAD_INPUT, "inject file: %s", err);
	f->chunk_frames = (uint32_t)got;
	f->chunk_pos = 0;
	f->file_done = got == 0;
	return CTL_OK;
}

/*
 * Streams until the file ends or Ctrl-C.  radiod is kept holding between
 * 3/4 of the buffer and all of it: a chunk tops it up to the buffer once
 * it has played a quarter, so there are about four requests per buffer
 * length, and never less than 3/4 of it to ride out a late wake-up.
 */
static int stream(struct feed *f)
{
	double low = f->buffer_frames - f->buffer_frames / 4.0;
	int r;

	for (;;) {
		double q;
		uint32_t n;

		if (f->interrupted || ctl_interrupt_wait(&f->in, 0)) {
			f->interrupted = true;
			return CTL_OK;
		}
		if ((r = refill(f)) != CTL_OK)
			return r;
		if (f->chunk_pos == f->chunk_frames)
			return CTL_OK;
		q = queued_now(f);
		if (q > low) {
			int ms = (int)(1000.0 * (q - low) / f->rate) + 1;

			if (ctl_interrupt_wait(&f->in, ms < MAX_SLEEP_MS ? ms : MAX_SLEEP_MS)) {
				f->interrupted = true;
				return CTL_OK;
			}
			continue;
		}
		n = f->chunk_frames - f->chunk_pos;
		if (n > f->buffer_frames - q)
			n = (uint32_t)(f->buffer_frames - q);
		r = send_audio(f, f->chunk + (size_t)f->chunk_pos * f->info.channels, n, false);
		if (r != CTL_OK)
			return r;
		if (!f->last.active)
			return ctl_fail(f->ctl, CTL_REFUSED, "inject file: the stream was %s",
					end_name(f->last.ended));
		f->chunk_pos += f->last.accepted_frames;
		/* The ring was full (radiod took less than sent): let it play. */
		if (f->last.accepted_frames == 0 &&
		    ctl_interrupt_wait(&f->in, (int)(1000.0 * f->buffer_frames / 4 / f->rate) + 1))
			f->interrupted = true;
	}
}

/* Sends end, then waits for radiod to play what it holds.  A second
 * interrupt meanwhile stops the stream at once. */
static int drain(struct feed *f)
{
	double deadline;
	int r = send_audio(f, NULL, 0, true);

	if (r != CTL_OK)
		return r;
	deadline = mono_s() + (double)f->last.queued_frames / f->rate + DRAIN_GRACE_S;
	while (f->last.active) {
		if (ctl_interrupt_wait(&f->in, DRAIN_POLL_MS)) {
			r = radioclient_stop_signal(f->ctl->rc);
			if (r < 0)
				return ctl_client_error(f->ctl, r);
		}
		if (mono_s() > deadline)
			return ctl_fail(f->ctl, CTL_TIMEOUT, "inject file: radiod did not finish "
					"playing the stream within %.1f s of its end",
					DRAIN_GRACE_S);
		if ((r = send_audio(f, NULL, 0, false)) != CTL_OK)
			return r;
	}
	return CTL_OK;
}

static int open_stream(struct feed *f)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__InjectStream s = RADIO__INJECT_STREAM__INIT;

	s.has_channels = s.has_channel_mask = s.has_mode = s.has_prefill_ms = 1;
	s.channels = f->info.channels;
	s.channel_mask = f->mask;
	s.mode = f->replace ? RADIO__INJECT_MODE__REPLACE : RADIO__INJECT_MODE__MIX;
	/* radiod starts playing with half the buffer in: the first chunk
	 * brings a whole one. */
	s.prefill_ms = (uint32_t)(f->buffer_frames * 1000ull / f->rate / 2);
	req.body_case = RADIO__REQUEST__BODY_INJECT_STREAM;
	req.inject_stream = &s;
	return send_stream(f, &req);
}

static uint32_t count_bits(uint32_t v)
{
	uint32_t n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static int get_info(struct feed *f)
{
	Radio__Reply *reply;
	bool running;
	int r = radioclient_get_info(f->ctl->rc, &reply);

	if (r < 0)
		return ctl_client_error(f->ctl, r);
	f->rate = reply->info->sample_rate_hz;
	f->channels = reply->info->channels;
	running = reply->info->state == RADIO__ENGINE_STATE__STATE_RUNNING;
	radioclient_reply_free(reply);
	if (!running || !f->rate)
		return ctl_fail(f->ctl, CTL_REFUSED, "inject file: radiod's engine is not running "
				"(JACK is away); see 'radioctl info'");
	if (f->mask >> f->channels)
		return ctl_fail(f->ctl, CTL_USAGE, "inject file: --channels names a channel "
				"beyond the %u radiod has", f->channels);
	return CTL_OK;
}

static int summary(struct feed *f)
{
	double played_s = (double)f->last.played_frames / f->rate;
	FILE *o = f->ctl->out;

	if (f->ctl->json) {
		/* json_pack's "o" takes its reference even when packing fails. */
		json_t *j = json_pack("{s:o, s:s, s:I, s:I, s:o, s:I, s:o, s:o, s:o, s:o, s:b, s:s}",
				      "file", ctl_json_text(f->path),
				      "format", f->info.format,
				      "file_rate_hz", (json_int_t)f->info.rate,
				      "file_channels", (json_int_t)f->info.channels,
				      "file_frames", ctl_json_u64(f->info.frames),
				      "sample_rate_hz", (json_int_t)f->rate,
				      "played_frames", ctl_json_u64(f->last.played_frames),
				      "played_s", ctl_json_real(played_s),
				      "loops", ctl_json_u64(audiofile_loops(f->file)),
				      "underruns", ctl_json_u64(f->last.underruns),
				      "interrupted", f->interrupted,
				      "ended", end_key(f->last.ended));
		int e = j ? ctl_json_print(o, j) : -ENOMEM;

		json_decref(j);
		return e < 0 ? ctl_fail(f->ctl, CTL_FAILURE, "inject file: cannot write the output")
			     : CTL_OK;
	}
	fprintf(o, "%-11s %s\n", "file", f->path);
	fprintf(o, "%-11s %s, %u Hz, %u channel%s, %.3f s\n", "format", f->info.format,
		f->info.rate, f->info.channels, f->info.channels == 1 ? "" : "s",
		(double)f->info.frames / f->info.rate);
	if (f->info.rate != f->rate)
		fprintf(o, "%-11s %u Hz -> %u Hz (libsoxr, high quality)\n", "resampled",
			f->info.rate, f->rate);
	fprintf(o, "%-11s %.3f s (%" PRIu64 " frames)%s", "played", played_s,
		f->last.played_frames, f->interrupted ? ", interrupted" : "");
	if (audiofile_loops(f->file))
		fprintf(o, ", %" PRIu64 " loops", audiofile_loops(f->file));
	fputc('\n', o);
	fprintf(o, "%-11s %" PRIu64 "\n", "underruns", f->last.underruns);
	return CTL_OK;
}

int cmd_inject_file(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] =
		"inject file PATH [--loop] [--level DB] [--channels LIST] [--mix|--replace] "
		"[--buffer MS]";
	static const char help[] =
		"Plays an audio file through radiod, in place of a test signal: any format\n"
		"libsndfile reads (WAV, FLAC, Ogg, MP3, AIFF, ...), resampled with libsoxr\n"
		"(high quality) to radiod's rate and streamed over the socket. A mono file\n"
		"feeds every selected channel; a file with N channels feeds the first N\n"
		"selected channels, in order. Ends at the end of the file, or with Ctrl-C:\n"
		"radiod plays what it holds, then stops (a second Ctrl-C stops it at once).\n"
		"Then prints what was played and the underruns: audio blocks for which radiod\n"
		"had too little of the file (heard as gaps).\n"
		"\n"
		"  --loop           start again at the end, until Ctrl-C\n"
		"  --level DB       gain applied to the file, -120 .. +24 dB (default 0)\n"
		"  --channels LIST  1-based channels, e.g. 1,2 (default: all)\n"
		"  --mix, --replace add to the input (default), or mute the input meanwhile\n"
		"  --buffer MS      how much audio radiod is kept holding, 50 .. 1000 ms\n"
		"                   (default 200); more rides out a busier machine\n"
		"\n"
		"Exit status 7: the file cannot be read or decoded (the message says why).\n"
		"Example: radioctl inject file announcement.flac --channels 1 --replace\n";
	static const struct ctl_option opts[] = {
		{ "loop", OPT_LOOP, false },
		{ "level", OPT_LEVEL, true },
		{ "channels", OPT_CHANNELS, true },
		{ "replace", OPT_REPLACE, false },
		{ "mix", OPT_MIX, false },
		{ "buffer", OPT_BUFFER, true },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	struct feed f = { .ctl = ctl };
	const char *val;
	double gain_db = 0;
	long buffer_ms = DEFAULT_BUFFER_MS;
	bool loop = false, have_mode = false, seen_file = false;
	char err[1024];
	int r;

	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			/* "file", then the path. */
			if (!seen_file && strcmp(val, "file") == 0) {
				seen_file = true;
				break;
			}
			if (f.path)
				return ctl_unexpected(ctl, val);
			f.path = val;
			break;
		case OPT_LOOP:
			loop = true;
			break;
		case OPT_LEVEL:
			if (ctl_parse_double(ctl, "--level", val, -120, 24, &gain_db) != CTL_OK)
				return CTL_USAGE;
			break;
		case OPT_CHANNELS:
			if (ctl_parse_channels(ctl, "--channels", val, &f.mask) != CTL_OK)
				return CTL_USAGE;
			break;
		case OPT_REPLACE:
		case OPT_MIX:
			if (have_mode && f.replace != (r == OPT_REPLACE))
				return ctl_fail(ctl, CTL_USAGE, "inject file: --mix and --replace "
						"together");
			have_mode = true;
			f.replace = r == OPT_REPLACE;
			break;
		case OPT_BUFFER:
			if (ctl_parse_long(ctl, "--buffer", val, 50, 1000, &buffer_ms) != CTL_OK)
				return CTL_USAGE;
			break;
		}
	}
	if (!f.path)
		return ctl_fail(ctl, CTL_USAGE, "inject file: which file? (usage: radioctl %s)",
				synopsis);

	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	if ((r = get_info(&f)) != CTL_OK)
		return r;
	f.file = audiofile_open(f.path, f.rate, gain_db, loop, err, sizeof err);
	if (!f.file)
		return ctl_fail(ctl, CTL_BAD_INPUT, "inject file: %s", err);
	audiofile_get_info(f.file, &f.info);
	{
		uint32_t selected = count_bits(f.mask ? f.mask : (1u << f.channels) - 1);

		if (f.info.channels > 1 && f.info.channels > selected) {
			audiofile_close(f.file);
			return ctl_fail(ctl, CTL_USAGE, "inject file: %s has %u channels but %u of "
					"radiod's channels are selected; give a file with at most "
					"%u channels (or a mono one), or select more with --channels",
					f.path, f.info.channels, selected, selected);
		}
	}
	f.buffer_frames = (uint32_t)(buffer_ms * f.rate / 1000);
	f.chunk = malloc(CHUNK_SAMPLES * sizeof(float));
	if (!f.chunk) {
		audiofile_close(f.file);
		return ctl_fail(ctl, CTL_FAILURE, "inject file: out of memory");
	}
	ctl_interrupt_hold(&f.in);
	r = open_stream(&f);
	if (r == CTL_OK && f.buffer_frames > f.last.capacity_frames / 2)
		f.buffer_frames = f.last.capacity_frames / 2;
	if (r == CTL_OK)
		r = stream(&f);
	/* End cleanly after an interrupt too; after an error, best effort. */
	if (r == CTL_OK)
		r = drain(&f);
	else if (f.last.active)
		radioclient_stop_signal(ctl->rc);
	ctl_interrupt_release(&f.in);
	if (r == CTL_OK)
		r = summary(&f);
	free(f.chunk);
	audiofile_close(f.file);
	return r;
}

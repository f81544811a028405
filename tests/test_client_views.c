/*
 * test_client_views - radioctl's live views, inject file and measure run
 * in-process against a fake radiod: what they send (subscriptions, the
 * stream with its end, captures), what they print, when they stop, and
 * their usage errors, which never reach the socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sndfile.h>

#include "clients/ctl.h"
#include "tests/client_fakeserver.h"
#include "tests/ctl_run.h"


static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A fake radiod in a temporary directory. */
struct daemon {
	char dir[64];
	char path[128];
	struct fake_server *fs;
};

static void daemon_start(struct daemon *d, void (*script)(struct fake_server *), void *arg)
{
	snprintf(d->dir, sizeof d->dir, "/tmp/radioctl-views-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	snprintf(d->path, sizeof d->path, "%s/control.sock", d->dir);
	d->fs = fake_start_listen(d->path, script, arg);
}

static void daemon_stop(struct daemon *d)
{
	fake_join(d->fs);
	unlink(d->path);
}

static void daemon_free(struct daemon *d)
{
	fake_free(d->fs);
	rmdir(d->dir);
}

/* Replies the scripts send. */
static void reply_with(struct fake_server *fs, const Radio__Request *req, Radio__Reply *r)
{
	Radio__Status st = RADIO__STATUS__INIT;

	st.has_code = 1;
	r->has_id = 1;
	r->id = req->id;
	r->status = &st;
	fake_send_reply(fs, r);
}

static void reply_info(struct fake_server *fs, const Radio__Request *req)
{
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Info info = RADIO__INFO__INIT;

	info.has_sample_rate_hz = info.has_period_frames = info.has_channels = 1;
	info.has_state = 1;
	info.sample_rate_hz = 48000;
	info.period_frames = 512;
	info.channels = 2;
	info.state = RADIO__ENGINE_STATE__STATE_RUNNING;
	r.body_case = RADIO__REPLY__BODY_INFO;
	r.info = &info;
	reply_with(fs, req, &r);
}

/* ------------------------------------------------------------ usage */

static void test_every_new_command_has_help_that_exits_0(void **state)
{
	(void)state;
	/* NULL-terminated argument lists. */
	static const char *const cmds[][4] = {
		{ "spectrum", "--help" }, { "meters", "--help" }, { "watch", "--help" },
		{ "measure", "--help" }, { "inject", "file", "--help" },
	};

	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		struct run r;

		run_argv(&r, cmds[i]);
		if (r.code != CTL_OK || strncmp(r.out, "usage: radioctl", 15) != 0)
			fail_msg("%s %s: exit %d, output \"%.60s\"", cmds[i][0], cmds[i][1], r.code,
				 r.out);
		run_done(&r);
	}
}

static void test_bad_arguments_are_usage_errors_before_any_connection(void **state)
{
	(void)state;
	static const struct {
		const char *args[6];
		const char *err;
	} cases[] = {
		{ { "meters", "--count", "0" }, "--count: 0 is out of range" },
		{ { "watch", "--interval", "10" }, "--interval: 10 is out of range 20" },
		{ { "spectrum", "--once", "--count", "2" }, "--once does not take --count" },
		{ { "spectrum", "--live", "--once" }, "--live and --once together" },
		{ { "meters", "--live" }, "unknown option '--live'" },
		{ { "measure" }, "thd, response or latency" },
		{ { "measure", "noise" }, "'noise' is not a measurement" },
		{ { "measure", "thd", "--to", "5k" }, "measure thd: --from, --to and --per-octave" },
		{ { "measure", "latency", "--freq", "1k" }, "measure latency: --freq" },
		{ { "measure", "thd", "--level", "3" }, "--level: 3 is out of range" },
		{ { "inject", "file" }, "which file?" },
		{ { "inject", "file", "a.wav", "--buffer", "20" }, "--buffer: 20 is out of range" },
		{ { "inject", "file", "a.wav", "b.wav" }, "unexpected argument 'b.wav'" },
		{ { "inject", "file", "a.wav", "--mix", "--replace" }, "--mix and --replace" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *args[8] = { "--socket", "/nonexistent/radiod.sock" };
		struct run r;

		memcpy(args + 2, cases[i].args, sizeof cases[i].args);
		run_argv(&r, args);
		if (r.code != CTL_USAGE || !strstr(r.err, cases[i].err))
			fail_msg("%s ...: exit %d, \"%s\" (wanted \"%s\")", cases[i].args[0], r.code,
				 r.err, cases[i].err);
		run_done(&r);
	}
}

/* ----------------------------------------------------------- views */

/* Subscribe: OK, then two meters events; then whatever comes (unsubscribe). */
static void two_meter_events(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);
	Radio__ChannelMeter ch[2] = { RADIO__CHANNEL_METER__INIT, RADIO__CHANNEL_METER__INIT };
	Radio__ChannelMeter *chp[2] = { &ch[0], &ch[1] };
	Radio__Meters m = RADIO__METERS__INIT;
	Radio__Event ev = RADIO__EVENT__INIT;

	if (!req)
		return;
	fake_send_ok(fs, req->id);
	for (int c = 0; c < 2; c++) {
		ch[c].has_peak_dbfs = ch[c].has_rms_dbfs = ch[c].has_clipped = 1;
		ch[c].peak_dbfs = -20.0f - 6 * c;
		ch[c].rms_dbfs = -23.0f - 6 * c;
		ch[c].clipped = (uint64_t)c;
	}
	m.n_channel = 2;
	m.channel = chp;
	ev.body_case = RADIO__EVENT__BODY_METERS;
	ev.meters = &m;
	fake_send_event(fs, &ev);
	fake_send_event(fs, &ev);
	req = fake_read_request(fs);
	if (req)
		fake_send_ok(fs, req->id);
	fake_wait_eof(fs);
}

static void test_meters_subscribes_and_prints_a_line_per_event_until_the_count(void **state)
{
	(void)state;
	struct daemon d;
	struct run r;
	const Radio__Subscribe *sub;

	daemon_start(&d, two_meter_events, NULL);
	RUN(&r, "--socket", d.path, "meters", "--count", "2", "--interval", "250");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	assert_int_equal(d.fs->requests[0]->body_case, RADIO__REQUEST__BODY_SUBSCRIBE);
	sub = d.fs->requests[0]->subscribe;
	assert_true(sub->meters && !sub->stats && !sub->spectrum);
	assert_int_equal(sub->interval_ms, 250);
	assert_int_equal(d.fs->requests[1]->body_case, RADIO__REQUEST__BODY_UNSUBSCRIBE);
	assert_non_null(strstr(r.out, " ch1 peak=-20.0 rms=-23.0 clipped=0 ch2 peak=-26.0 "
				      "rms=-29.0 clipped=1\n"));
	assert_int_equal(count_lines(r.out), 2);
	run_done(&r);
	daemon_free(&d);
}

/* Subscribe: OK, then nothing. */
static void silent(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (req)
		fake_send_ok(fs, req->id);
	fake_wait_eof(fs);
}

static void test_a_view_that_gets_no_event_exits_4(void **state)
{
	(void)state;
	struct daemon d;
	struct run r;

	daemon_start(&d, silent, NULL);
	RUN(&r, "--socket", d.path, "--timeout", "300", "watch", "--interval", "50");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_TIMEOUT);
	assert_non_null(strstr(r.err, "watch: no event from radiod"));
	run_done(&r);
	daemon_free(&d);
}

/* ----------------------------------------------------- inject file */

/* GetInfo, InjectStream, InjectAudio (all taken), InjectAudio(end): the
 * stream drained, with 3 underruns. */
static void stream_script(struct fake_server *fs)
{
	Radio__StreamStatus st = RADIO__STREAM_STATUS__INIT;
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Request *req;
	uint32_t queued = 0;

	if (!(req = fake_read_request(fs)))
		return;
	reply_info(fs, req);
	st.has_active = st.has_capacity_frames = st.has_accepted_frames = 1;
	st.has_queued_frames = st.has_played_frames = st.has_underruns = st.has_ended = 1;
	st.active = 1;
	st.capacity_frames = 65535;
	r.body_case = RADIO__REPLY__BODY_STREAM;
	r.stream = &st;
	while ((req = fake_read_request(fs))) {
		if (req->body_case == RADIO__REQUEST__BODY_INJECT_AUDIO) {
			st.accepted_frames = (uint32_t)req->inject_audio->n_sample;
			queued += st.accepted_frames;
			st.queued_frames = queued;
			if (req->inject_audio->end) {
				st.active = 0;
				st.ended = RADIO__STREAM_END__STREAM_DRAINED;
				st.played_frames = queued;
				st.underruns = 3;
				st.queued_frames = 0;
			}
		}
		reply_with(fs, req, &r);
	}
}

static void test_inject_file_streams_the_file_then_ends_and_reports_underruns(void **state)
{
	(void)state;
	char path[128];
	SF_INFO info = { .samplerate = 48000, .channels = 1,
			 .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	float x[480] = { 0 };
	struct daemon d;
	struct run r;
	SNDFILE *sf;
	size_t samples = 0;
	int n_audio = 0;

	daemon_start(&d, stream_script, NULL);
	snprintf(path, sizeof path, "%s/tone.wav", d.dir);
	for (int i = 0; i < 480; i++)
		x[i] = 0.1f;
	sf = sf_open(path, SFM_WRITE, &info);
	assert_non_null(sf);
	assert_int_equal(sf_writef_float(sf, x, 480), 480);
	sf_close(sf);
	RUN(&r, "--socket", d.path, "inject", "file", path, "--channels", "2", "--replace");
	daemon_stop(&d);
	unlink(path);
	assert_int_equal(r.code, CTL_OK);
	assert_int_equal(d.fs->requests[1]->body_case, RADIO__REQUEST__BODY_INJECT_STREAM);
	assert_int_equal(d.fs->requests[1]->inject_stream->channels, 1);
	assert_int_equal(d.fs->requests[1]->inject_stream->channel_mask, 0x2);
	assert_int_equal(d.fs->requests[1]->inject_stream->mode, RADIO__INJECT_MODE__REPLACE);
	for (int i = 2; i < d.fs->n_requests; i++) {
		const Radio__InjectAudio *a = d.fs->requests[i]->inject_audio;

		assert_int_equal(d.fs->requests[i]->body_case, RADIO__REQUEST__BODY_INJECT_AUDIO);
		samples += a->n_sample;
		n_audio++;
		/* Only the last one ends the stream. */
		assert_true(!!a->end == (i == d.fs->n_requests - 1));
		for (size_t k = 0; k < a->n_sample; k++)
			assert_true(a->sample[k] == 0.1f);
	}
	assert_int_equal(samples, 480);
	assert_true(n_audio >= 2);
	assert_non_null(strstr(r.out, "played      0.010 s (480 frames)\n"));
	assert_non_null(strstr(r.out, "underruns   3\n"));
	run_done(&r);
	daemon_free(&d);
}

/* --------------------------------------------------------- measure */

/* GetInfo; StartCapture; InjectSignal; ReadCapture until read; StopSignal.
 * The capture holds an impulse at frame 100 of the output, back at 612. */
static void latency_script(struct fake_server *fs)
{
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Capture cap = RADIO__CAPTURE__INIT;
	Radio__CaptureData data[2] = { RADIO__CAPTURE_DATA__INIT, RADIO__CAPTURE_DATA__INIT };
	Radio__CaptureData *dp[2] = { &data[0], &data[1] };
	Radio__Request *req;
	uint32_t frames = 0;
	float *s[2] = { NULL, NULL };

	if (!(req = fake_read_request(fs)))
		return;
	reply_info(fs, req);
	while ((req = fake_read_request(fs))) {
		radio__reply__init(&r);
		if (req->body_case == RADIO__REQUEST__BODY_START_CAPTURE) {
			frames = req->start_capture->frames;
			for (int i = 0; i < 2; i++)
				s[i] = calloc(frames, sizeof(float));
			if (!s[0] || !s[1])
				abort();
			s[0][100] = 0.5f;
			s[1][612] = 0.5f;
		}
		if (req->body_case == RADIO__REQUEST__BODY_READ_CAPTURE) {
			const Radio__ReadCapture *rc = req->read_capture;

			cap.has_done = cap.has_frames = 1;
			cap.done = 1;
			cap.frames = frames;
			cap.n_signal = 0;
			if (rc->max_frames) {
				uint32_t n = frames - rc->offset_frames;

				n = n < rc->max_frames ? n : rc->max_frames;
				for (int i = 0; i < 2; i++) {
					data[i].n_sample = n;
					data[i].sample = s[i] + rc->offset_frames;
				}
				cap.n_signal = 2;
				cap.signal = dp;
			}
			r.body_case = RADIO__REPLY__BODY_CAPTURE;
			r.capture = &cap;
		}
		reply_with(fs, req, &r);
	}
	free(s[0]);
	free(s[1]);
}

static void test_measure_latency_records_plays_an_impulse_and_finds_the_delay(void **state)
{
	(void)state;
	struct daemon d;
	struct run r;
	const Radio__StartCapture *sc;
	const Radio__InjectSignal *sig;

	daemon_start(&d, latency_script, NULL);
	RUN(&r, "--socket", d.path, "measure", "latency", "--channel", "2");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	/* The recording starts before the impulse is played. */
	assert_int_equal(d.fs->requests[1]->body_case, RADIO__REQUEST__BODY_START_CAPTURE);
	sc = d.fs->requests[1]->start_capture;
	assert_int_equal(sc->n_signal, 2);
	assert_int_equal(sc->signal[0]->point, RADIO__CAPTURE_POINT__CAPTURE_OUTPUT);
	assert_int_equal(sc->signal[1]->point, RADIO__CAPTURE_POINT__CAPTURE_INPUT);
	assert_int_equal(sc->signal[0]->channel, 1);
	assert_int_equal(sc->frames, 24000);
	assert_int_equal(d.fs->requests[2]->body_case, RADIO__REQUEST__BODY_INJECT_SIGNAL);
	sig = d.fs->requests[2]->inject_signal;
	assert_int_equal(sig->kind, RADIO__SIGNAL_KIND__IMPULSE);
	assert_int_equal(sig->mode, RADIO__INJECT_MODE__REPLACE);
	assert_int_equal(sig->channel_mask, 0x2);
	/* The signal is stopped at the end. */
	assert_int_equal(d.fs->requests[d.fs->n_requests - 1]->body_case,
			 RADIO__REQUEST__BODY_STOP_SIGNAL);
	assert_non_null(strstr(r.out, "latency        512 frames = 10.667 ms = 1.00 periods of 512 "
				      "frames at 48000 Hz\n"));
	run_done(&r);
	daemon_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_new_command_has_help_that_exits_0),
		cmocka_unit_test(test_bad_arguments_are_usage_errors_before_any_connection),
		cmocka_unit_test(test_meters_subscribes_and_prints_a_line_per_event_until_the_count),
		cmocka_unit_test(test_a_view_that_gets_no_event_exits_4),
		cmocka_unit_test(test_inject_file_streams_the_file_then_ends_and_reports_underruns),
		cmocka_unit_test(test_measure_latency_records_plays_an_impulse_and_finds_the_delay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

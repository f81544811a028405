/*
 * test_client_ctl - radioctl's commands run in-process (ctl_main) with the
 * output captured: argument parsing and validation, what each command
 * sends, what it prints (tables and JSON), error messages and exit codes,
 * against a fake radiod listening on a socket in a temporary directory.
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
#include <sys/socket.h>
#include <unistd.h>

#include "clients/ctl.h"
#include "tests/client_fakeserver.h"
#include "tests/ctl_run.h"


/* A fake radiod on a socket of its own. */
struct daemon {
	char dir[64];
	char path[128];
	struct fake_server *fs;
};

static void daemon_start(struct daemon *d, void (*script)(struct fake_server *), void *arg)
{
	snprintf(d->dir, sizeof d->dir, "/tmp/radioctl-test-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	snprintf(d->path, sizeof d->path, "%s/control.sock", d->dir);
	d->fs = fake_start_listen(d->path, script, arg);
}

/* Waits for the script; d->fs->requests holds what radioctl sent. */
static void daemon_stop(struct daemon *d)
{
	fake_join(d->fs);
	unlink(d->path);
	rmdir(d->dir);
}

static void daemon_free(struct daemon *d)
{
	fake_free(d->fs);
}

/* Answers one request with the Reply in fs->arg (or a bare OK). */
static void answer(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);
	Radio__Reply *tmpl = fs->arg;

	if (!req)
		return;
	if (tmpl) {
		tmpl->has_id = 1;
		tmpl->id = req->id;
		fake_send_reply(fs, tmpl);
	} else {
		fake_send_ok(fs, req->id);
	}
	fake_wait_eof(fs);
}

static void refuse(struct fake_server *fs)
{
	Radio__Request *req = fake_read_request(fs);

	if (req)
		fake_send_refusal(fs, req->id, RADIO__STATUS__CODE__INVALID_ARGUMENT,
				  "set_band: band 9 out of range 0..7");
	fake_wait_eof(fs);
}

static void never_answer(struct fake_server *fs)
{
	fake_read_request(fs);
	fake_wait_eof(fs);
}

static void hang_up(struct fake_server *fs)
{
	fake_read_request(fs);
	shutdown(fs->fd, SHUT_RDWR);
}

/* ------------------------------------------------------------ usage */

static void test_bad_arguments_are_usage_errors_naming_option_and_value(void **state)
{
	(void)state;
	static const struct {
		const char *args[8];
		const char *err;
	} cases[] = {
		{ { "eq", "band", "3", "--gain", "abc" }, "--gain: 'abc' is not a number" },
		{ { "eq", "band", "3", "--gain", "30" }, "--gain: 30 is out of range -24 .. 24" },
		{ { "eq", "band", "3", "--freq", "1kk" }, "--freq: '1kk' is not a number" },
		{ { "eq", "band", "3", "--q", "nan" }, "--q: 'nan' is not a number" },
		{ { "eq", "band", "40", "--gain", "1" }, "band INDEX: 40 is out of range 0 .. 31" },
		{ { "eq", "band", "3", "--type", "wobble" }, "--type: 'wobble' is not a band type" },
		{ { "eq", "band", "3" }, "eq band: nothing to change" },
		{ { "eq", "band", "--gain", "3" }, "eq band: which band?" },
		{ { "eq", "band", "1", "--on", "--off" }, "eq band: --on and --off together" },
		{ { "eq", "set" }, "eq set: no --band given" },
		{ { "eq", "set", "--band", "peaking:1000:x:1" },
		  "--band 'peaking:1000:x:1', gain: 'x' is not a number" },
		{ { "eq", "set", "--band", "peaking:1000" }, "is not TYPE:FREQ:GAIN:Q[:on|off]" },
		{ { "eq", "wobble" }, "eq: no subcommand 'wobble'" },
		{ { "eq", "bypass", "maybe" }, "eq bypass: 'maybe' is neither on nor off" },
		{ { "volume", "-6", "--ramp", "-1" }, "--ramp: -1 is out of range 0 .. 10000" },
		{ { "volume", "20" }, "volume DB: 20 is out of range -120 .. 12" },
		{ { "volume", "--ramp", "10" }, "volume: --ramp without a volume" },
		{ { "mute" }, "mute: on or off?" },
		{ { "inject" }, "inject: which signal?" },
		{ { "inject", "square" }, "inject: 'square' is not a signal" },
		{ { "inject", "sweep", "--freq", "20", "--to", "20k" },
		  "inject sweep: --duration must be given and > 0" },
		{ { "inject", "sine", "--tones", "100,200" }, "inject: --tones does not apply to sine" },
		{ { "inject", "pink", "--freq", "100" }, "inject: --freq does not apply to pink" },
		{ { "inject", "multitone" }, "inject multitone: --tones is needed" },
		{ { "inject", "multitone", "--tones", "100,,200" }, "--tones: '100,,200' has an empty item" },
		{ { "inject", "sine", "--channels", "0" }, "--channels: 0 is out of range 1 .. 32" },
		{ { "inject", "sine", "--level", "3" }, "--level: 3 is out of range -120 .. 0" },
		{ { "inject", "noise", "--seed", "-1" }, "--seed: -1 is out of range 0 .. 4294967295" },
		{ { "inject", "sine", "--mix", "--replace" }, "inject: --mix and --replace together" },
		{ { "--timeout", "0", "info" }, "--timeout: 0 is out of range 1 .. 3600000" },
		{ { "--timeout", "soon", "info" }, "--timeout: 'soon' is not a whole number" },
		{ { "stats", "--frob" }, "stats: unknown option '--frob' (see 'radioctl stats --help')" },
		{ { "stats", "--timeout" }, "stats: option '--timeout' needs a value" },
		{ { "stats", "--json=yes" }, "stats: option '--json=yes' takes no value" },
		{ { "stats", "now" }, "stats: unexpected argument 'now'" },
		{ { "--socket", "", "info" }, "--socket: the path is empty" },
		{ { "frobnicate" }, "no command 'frobnicate' (see 'radioctl --help')" },
		{ { "--json" }, "no command given" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct run r;

		/* No daemon anywhere: a usage error must come before connecting. */
		run_argv(&r, cases[i].args);
		if (r.code != CTL_USAGE || !strstr(r.err, cases[i].err))
			fail_msg("case %zu (%s ...): exit %d, error \"%s\"; wanted 2 and \"%s\"", i,
				 cases[i].args[0], r.code, r.err, cases[i].err);
		run_done(&r);
	}
}

static void test_every_command_has_help_that_exits_0(void **state)
{
	(void)state;
	static const char *const cmds[][2] = {
		{ "info", NULL }, { "stats", NULL }, { "reset", NULL }, { "eq", NULL },
		{ "eq", "show" }, { "eq", "set" }, { "eq", "band" }, { "eq", "bypass" },
		{ "volume", NULL }, { "mute", NULL }, { "inject", NULL }, { "stop", NULL },
		{ "spectrum", NULL },
	};

	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		struct run r;
		const char *args[4] = { cmds[i][0], cmds[i][1] ? cmds[i][1] : "--help",
					cmds[i][1] ? "--help" : NULL, NULL };

		run_argv(&r, args);
		if (r.code != CTL_OK || strncmp(r.out, "usage: radioctl", 15) != 0)
			fail_msg("%s %s --help: exit %d, output \"%.60s\"", cmds[i][0],
				 cmds[i][1] ? cmds[i][1] : "", r.code, r.out);
		run_done(&r);
	}
}

static void test_help_lists_commands_and_exit_codes(void **state)
{
	(void)state;
	struct run r;

	RUN(&r, "--help");
	assert_int_equal(r.code, CTL_OK);
	assert_non_null(strstr(r.out, "  inject "));
	assert_non_null(strstr(r.out, "  1  radiod refused the request"));
	assert_non_null(strstr(r.out, "  4  no reply within --timeout"));
	run_done(&r);
	RUN(&r, "help", "eq");
	assert_int_equal(r.code, CTL_OK);
	assert_non_null(strstr(r.out, "eq bypass on|off"));
	run_done(&r);
}

static void test_a_missing_daemon_exits_3_naming_the_socket(void **state)
{
	(void)state;
	struct run r;

	RUN(&r, "--socket", "/nonexistent/control.sock", "info");
	assert_int_equal(r.code, CTL_NO_CONNECT);
	assert_string_equal(r.err, "cannot connect to /nonexistent/control.sock: No such file "
			    "or directory (is radiod running?)");
	run_done(&r);
}

/* ----------------------------------------------------- what is sent */

static void test_eq_band_sends_only_the_fields_given(void **state)
{
	(void)state;
	struct daemon d;
	struct run r;
	const Radio__SetBand *b;

	daemon_start(&d, answer, NULL);
	RUN(&r, "eq", "band", "3", "--freq", "1k", "--gain=-6", "--q", "1.4", "--type",
	    "Low-Shelf", "--off", "--socket", d.path);
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	assert_int_equal(d.fs->n_requests, 1);
	assert_int_equal(d.fs->requests[0]->body_case, RADIO__REQUEST__BODY_SET_BAND);
	b = d.fs->requests[0]->set_band;
	assert_true(b->has_index && b->index == 3);
	assert_true(b->has_freq_hz && b->freq_hz == 1000);
	assert_true(b->has_gain_db && b->gain_db == -6);
	assert_true(b->has_q && b->q == 1.4);
	assert_true(b->has_type && b->type == RADIO__BAND_TYPE__LOW_SHELF);
	assert_true(b->has_enabled && !b->enabled);
	run_done(&r);
	daemon_free(&d);

	daemon_start(&d, answer, NULL);
	RUN(&r, "--socket", d.path, "eq", "band", "0", "--gain", "-3");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	b = d.fs->requests[0]->set_band;
	assert_true(b->has_index && b->index == 0);
	assert_true(b->has_gain_db && b->gain_db == -3);
	assert_false(b->has_freq_hz || b->has_q || b->has_type || b->has_enabled);
	run_done(&r);
	daemon_free(&d);
}

static void test_eq_set_sends_the_whole_eq_in_order(void **state)
{
	(void)state;
	struct daemon d;
	struct run r;
	const Radio__Eq *eq;

	daemon_start(&d, answer, NULL);
	RUN(&r, "--socket", d.path, "eq", "set", "--preamp", "-3", "--bypass", "off", "--band",
	    "lowshelf:80:4:0.7", "--band", "peaking:2.5k:-2:1.4:off");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	eq = d.fs->requests[0]->set_eq->eq;
	assert_non_null(eq);
	assert_true(eq->has_preamp_db && eq->preamp_db == -3);
	assert_true(eq->has_bypass && !eq->bypass);
	assert_int_equal(eq->n_band, 2);
	assert_int_equal(eq->band[0]->type, RADIO__BAND_TYPE__LOW_SHELF);
	assert_true(eq->band[0]->freq_hz == 80 && eq->band[0]->gain_db == 4 &&
		    eq->band[0]->q == 0.7 && eq->band[0]->enabled);
	assert_int_equal(eq->band[1]->type, RADIO__BAND_TYPE__PEAKING);
	assert_true(eq->band[1]->freq_hz == 2500 && eq->band[1]->gain_db == -2 &&
		    !eq->band[1]->enabled);
	run_done(&r);
	daemon_free(&d);
}

static void test_volume_takes_a_negative_db_and_a_ramp(void **state)
{
	(void)state;
	Radio__Reply reply = RADIO__REPLY__INIT;
	Radio__Volume vol = RADIO__VOLUME__INIT;
	struct daemon d;
	struct run r;
	const Radio__SetVolume *v;

	vol.has_db = vol.has_muted = 1;
	vol.db = -6;
	reply.body_case = RADIO__REPLY__BODY_VOLUME;
	reply.volume = &vol;
	daemon_start(&d, answer, &reply);
	RUN(&r, "--socket", d.path, "volume", "-6", "--ramp", "200");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	v = d.fs->requests[0]->set_volume;
	assert_true(v->has_db && v->db == -6);
	assert_true(v->has_ramp_ms && v->ramp_ms == 200);
	assert_string_equal(r.out, "volume           -6.0 dB\nmuted            no\n");
	run_done(&r);
	daemon_free(&d);
}

static void test_volume_without_db_asks_with_get_volume(void **state)
{
	(void)state;
	Radio__Reply reply = RADIO__REPLY__INIT;
	Radio__Volume vol = RADIO__VOLUME__INIT;
	struct daemon d;
	struct run r;

	vol.has_db = vol.has_muted = 1;
	vol.db = -12.5;
	vol.muted = 1;
	reply.body_case = RADIO__REPLY__BODY_VOLUME;
	reply.volume = &vol;
	daemon_start(&d, answer, &reply);
	RUN(&r, "--socket", d.path, "--json", "volume");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	assert_int_equal(d.fs->requests[0]->body_case, RADIO__REQUEST__BODY_GET_VOLUME);
	assert_string_equal(r.out, "{\"db\":-12.5,\"muted\":true}\n");
	run_done(&r);
	daemon_free(&d);
}

static void test_inject_sends_kind_channels_mode_and_tones(void **state)
{
	(void)state;
	struct daemon d;
	struct run r;
	const Radio__InjectSignal *s;

	daemon_start(&d, answer, NULL);
	RUN(&r, "--socket", d.path, "inject", "multitone", "--tones", "100,1k,5000", "--channels",
	    "1,2", "--replace", "--level", "-20", "--duration", "2.5");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	s = d.fs->requests[0]->inject_signal;
	assert_true(s->has_kind && s->kind == RADIO__SIGNAL_KIND__MULTITONE);
	assert_int_equal(s->n_tone_hz, 3);
	assert_true(s->tone_hz[0] == 100 && s->tone_hz[1] == 1000 && s->tone_hz[2] == 5000);
	assert_true(s->has_channel_mask && s->channel_mask == 3);
	assert_true(s->has_mode && s->mode == RADIO__INJECT_MODE__REPLACE);
	assert_true(s->has_level_dbfs && s->level_dbfs == -20);
	assert_true(s->has_duration_s && s->duration_s == 2.5);
	assert_false(s->has_freq_hz || s->has_seed);
	assert_string_equal(r.out, "");
	run_done(&r);
	daemon_free(&d);

	daemon_start(&d, answer, NULL);
	RUN(&r, "--socket", d.path, "--json", "inject", "sweep", "--freq", "20", "--to", "20k",
	    "--duration", "10");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	s = d.fs->requests[0]->inject_signal;
	assert_true(s->kind == RADIO__SIGNAL_KIND__SWEEP && s->freq_hz == 20 &&
		    s->freq_end_hz == 20000 && s->duration_s == 10);
	assert_string_equal(r.out, "{}\n");
	run_done(&r);
	daemon_free(&d);
}

/* ------------------------------------------------------ errors */

static void test_a_refusal_exits_1_with_radiods_message(void **state)
{
	(void)state;
	struct daemon d;
	struct run r;

	daemon_start(&d, refuse, NULL);
	RUN(&r, "--socket", d.path, "eq", "band", "9", "--gain", "3");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_REFUSED);
	assert_string_equal(r.err, "set_band: band 9 out of range 0..7");
	run_done(&r);
	daemon_free(&d);
}

static void test_no_reply_within_the_timeout_exits_4(void **state)
{
	(void)state;
	struct daemon d;
	struct run r;

	daemon_start(&d, never_answer, NULL);
	RUN(&r, "stats", "--timeout", "100", "--socket", d.path);
	/* ctl_main closed the connection, so the script has ended. */
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_TIMEOUT);
	assert_string_equal(r.err, "get_stats: timed out after 100 ms waiting for reply");
	run_done(&r);
	daemon_free(&d);
}

static void test_a_daemon_hanging_up_exits_5(void **state)
{
	(void)state;
	struct daemon d;
	struct run r;

	daemon_start(&d, hang_up, NULL);
	RUN(&r, "--socket", d.path, "reset");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_PROTOCOL);
	assert_string_equal(r.err, "reset_stats: radiod closed the connection");
	run_done(&r);
	daemon_free(&d);
}

/* ------------------------------------------------------ output */

/* A Stats as radiod might send it, not real-time. */
struct sample_stats {
	Radio__Reply reply;
	Radio__Stats stats;
	Radio__Timing timing;
	Radio__Timing *timings[1];
	Radio__Histogram hist;
	Radio__Histogram *hists[1];
	int32_t index[2];
	uint64_t counts[2];
	Radio__Meters meters;
	Radio__ChannelMeter ch;
	Radio__ChannelMeter *chs[1];
	Radio__RtThread rt;
};

static void sample_stats_init(struct sample_stats *s)
{
	radio__reply__init(&s->reply);
	radio__stats__init(&s->stats);
	radio__timing__init(&s->timing);
	radio__histogram__init(&s->hist);
	radio__meters__init(&s->meters);
	radio__channel_meter__init(&s->ch);
	radio__rt_thread__init(&s->rt);

	s->stats.has_state = 1;
	s->stats.state = RADIO__ENGINE_STATE__STATE_RUNNING;
	s->stats.has_callbacks = 1;
	s->stats.callbacks = 10;
	s->stats.has_xruns = 1;
	s->stats.xruns = 0;
	s->stats.has_budget_p99 = 1;
	s->stats.budget_p99 = 0.25;

	s->timing.name = (char *)"jitter";
	s->timing.has_count = 1;
	s->timing.count = 10;
	s->timing.has_min_ns = 1;
	s->timing.min_ns = -1500;
	s->timing.has_p50_ns = 1;
	s->timing.p50_ns = 12.5;
	s->timings[0] = &s->timing;
	s->stats.n_timing = 1;
	s->stats.timing = s->timings;

	s->hist.name = (char *)"jitter";
	s->hist.has_is_signed = 1;
	s->hist.is_signed = 1;
	s->index[0] = -3;
	s->index[1] = 5;
	s->counts[0] = 4;
	s->counts[1] = 6;
	s->hist.n_index = 2;
	s->hist.index = s->index;
	s->hist.n_bucket_count = 2;
	s->hist.bucket_count = s->counts;
	s->hists[0] = &s->hist;
	s->stats.n_histogram = 1;
	s->stats.histogram = s->hists;

	s->ch.has_peak_dbfs = 1;
	s->ch.peak_dbfs = -6.02f;
	s->ch.has_rms_dbfs = 1;
	s->ch.rms_dbfs = -INFINITY;
	s->chs[0] = &s->ch;
	s->meters.n_channel = 1;
	s->meters.channel = s->chs;
	s->stats.meters = &s->meters;

	s->rt.policy = (char *)"SCHED_OTHER";
	s->rt.has_priority = 1;
	s->rt.priority = 0;
	s->rt.has_realtime = 1;
	s->rt.realtime = 0;
	s->stats.rt_thread = &s->rt;

	s->reply.body_case = RADIO__REPLY__BODY_STATS;
	s->reply.stats = &s->stats;
}

static void test_stats_json_is_the_stats_message_with_histograms(void **state)
{
	(void)state;
	struct sample_stats s;
	struct daemon d;
	struct run r;

	sample_stats_init(&s);
	daemon_start(&d, answer, &s.reply);
	RUN(&r, "--socket", d.path, "stats", "--json");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	assert_true(d.fs->requests[0]->get_stats->has_histograms &&
		    d.fs->requests[0]->get_stats->histograms);
	assert_string_equal(
		r.out,
		"{\"state\":\"STATE_RUNNING\",\"callbacks\":10,\"xruns\":0,\"budget_p99\":0.25,"
		"\"timing\":[{\"name\":\"jitter\",\"count\":10,\"min_ns\":-1500.0,\"p50_ns\":12.5}],"
		"\"histogram\":[{\"name\":\"jitter\",\"is_signed\":true,\"index\":[-3,5],"
		"\"bucket_count\":[4,6]}],"
		"\"meters\":{\"channel\":[{\"peak_dbfs\":-6.02,\"rms_dbfs\":\"-Infinity\"}]},"
		"\"rt_thread\":{\"policy\":\"SCHED_OTHER\",\"priority\":0,\"realtime\":false}}\n");
	run_done(&r);
	daemon_free(&d);
}

static void test_stats_table_warns_loudly_when_not_real_time(void **state)
{
	(void)state;
	struct sample_stats s;
	struct daemon d;
	struct run r;

	sample_stats_init(&s);
	daemon_start(&d, answer, &s.reply);
	RUN(&r, "--socket", d.path, "stats");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	assert_false(d.fs->requests[0]->get_stats->histograms);
	assert_true(strncmp(r.out, "WARNING: radiod's audio thread is NOT real-time", 47) == 0);
	assert_non_null(strstr(r.out, "\nRT thread        SCHED_OTHER, priority 0  <-- NOT REAL-TIME\n"));
	assert_non_null(strstr(r.out, "\nxruns            0\n"));
	assert_non_null(strstr(r.out, "\nbudget           p99 25.0 %, max -\n"));
	assert_non_null(strstr(r.out, "\njitter               10     -1.50      0.01         -"));
	assert_non_null(strstr(r.out, "\nch1                -6.0      -inf         -\n"));
	run_done(&r);
	daemon_free(&d);
}

static void test_eq_show_prints_every_band(void **state)
{
	(void)state;
	Radio__Reply reply = RADIO__REPLY__INIT;
	Radio__Eq eq = RADIO__EQ__INIT;
	Radio__EqBand b0 = RADIO__EQ_BAND__INIT, *bands[1] = { &b0 };
	struct daemon d;
	struct run r;

	eq.has_preamp_db = eq.has_bypass = 1;
	eq.preamp_db = -3;
	b0.has_type = b0.has_freq_hz = b0.has_gain_db = b0.has_q = b0.has_enabled = 1;
	b0.type = RADIO__BAND_TYPE__HIGH_SHELF;
	b0.freq_hz = 8000;
	b0.gain_db = 2;
	b0.q = 0.707;
	b0.enabled = 1;
	eq.n_band = 1;
	eq.band = bands;
	reply.body_case = RADIO__REPLY__BODY_EQ;
	reply.eq = &eq;
	daemon_start(&d, answer, &reply);
	RUN(&r, "--socket", d.path, "eq");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	assert_int_equal(d.fs->requests[0]->body_case, RADIO__REQUEST__BODY_GET_EQ);
	assert_string_equal(r.out, "preamp           -3.0 dB\n"
				   "bypass           off\n"
				   "\n"
				   "band  type         freq Hz  gain dB      Q  on\n"
				   "   0  highshelf     8000.0     +2.0   0.71  on\n");
	run_done(&r);
	daemon_free(&d);
}

static void test_info_json_keeps_proto_field_names(void **state)
{
	(void)state;
	Radio__Reply reply = RADIO__REPLY__INIT;
	Radio__Info info = RADIO__INFO__INIT;
	struct daemon d;
	struct run r;

	info.daemon_version = (char *)"0.1.0";
	info.has_protocol_version = info.has_sample_rate_hz = info.has_period_frames = 1;
	info.protocol_version = 1;
	info.sample_rate_hz = 48000;
	info.period_frames = 512;
	info.jack_server = (char *)"te\"st\n";
	reply.body_case = RADIO__REPLY__BODY_INFO;
	reply.info = &info;
	daemon_start(&d, answer, &reply);
	RUN(&r, "--json", "--socket", d.path, "info");
	daemon_stop(&d);
	assert_int_equal(r.code, CTL_OK);
	assert_string_equal(r.out, "{\"daemon_version\":\"0.1.0\",\"protocol_version\":1,"
				   "\"jack_server\":\"te\\\"st\\n\",\"sample_rate_hz\":48000,"
				   "\"period_frames\":512}\n");
	run_done(&r);
	daemon_free(&d);
}

static void test_json_strings_are_escaped_and_valid_utf8(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ctl_json_string(f, "a\"b\\c\x01\t\xc3\xa9\xff\xe2\x82\xac\xc0\xaf");
	fclose(f);
	/* é and € kept, a stray 0xff and the overlong C0 AF replaced by
	 * U+FFFD (written as itself: jansson escapes only what JSON needs). */
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u0001\\t\xc3\xa9\xef\xbf\xbd\xe2\x82\xac"
				 "\xef\xbf\xbd\xef\xbf\xbd\"");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_arguments_are_usage_errors_naming_option_and_value),
		cmocka_unit_test(test_every_command_has_help_that_exits_0),
		cmocka_unit_test(test_help_lists_commands_and_exit_codes),
		cmocka_unit_test(test_a_missing_daemon_exits_3_naming_the_socket),
		cmocka_unit_test(test_eq_band_sends_only_the_fields_given),
		cmocka_unit_test(test_eq_set_sends_the_whole_eq_in_order),
		cmocka_unit_test(test_volume_takes_a_negative_db_and_a_ramp),
		cmocka_unit_test(test_volume_without_db_asks_with_get_volume),
		cmocka_unit_test(test_inject_sends_kind_channels_mode_and_tones),
		cmocka_unit_test(test_a_refusal_exits_1_with_radiods_message),
		cmocka_unit_test(test_no_reply_within_the_timeout_exits_4),
		cmocka_unit_test(test_a_daemon_hanging_up_exits_5),
		cmocka_unit_test(test_stats_json_is_the_stats_message_with_histograms),
		cmocka_unit_test(test_stats_table_warns_loudly_when_not_real_time),
		cmocka_unit_test(test_eq_show_prints_every_band),
		cmocka_unit_test(test_info_json_keeps_proto_field_names),
		cmocka_unit_test(test_json_strings_are_escaped_and_valid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

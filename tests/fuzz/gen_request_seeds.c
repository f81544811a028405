/*
 * gen_request_seeds - writes the seed corpus of fuzz_requests: streams of
 * framed radio.Request messages, valid and broken, one file per case.
 *
 *   gen_request_seeds DIR
 *
 * The committed tests/fuzz/corpus/fuzz_requests/ was made with it; rerun
 * it after radio.proto grows a request.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/frame.h"
#include "proto/radio.pb-c.h"

struct stream {
	uint8_t buf[16384];
	size_t len;
};

static void add_bytes(struct stream *s, const void *p, size_t n)
{
	if (s->len + n > sizeof s->buf)
		abort();
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void add_request(struct stream *s, Radio__Request *req)
{
	uint8_t payload[8192];
	uint8_t head[FRAME_HEADER_SIZE];
	size_t n = radio__request__get_packed_size(req);

	if (n > sizeof payload)
		abort();
	radio__request__pack(req, payload);
	if (n == 0) {	/* an empty Request still needs one byte to be a frame */
		payload[0] = 0x08;	/* id = 0 */
		payload[1] = 0x00;
		n = 2;
	}
	frame_write_header(head, n);
	add_bytes(s, head, sizeof head);
	add_bytes(s, payload, n);
}

static void add_header(struct stream *s, uint32_t len)
{
	uint8_t head[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			   (uint8_t)len};

	add_bytes(s, head, sizeof head);
}

static void save(const char *dir, const char *name, const struct stream *s)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->buf, 1, s->len, f) != s->len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

#define REQ(var, id_) Radio__Request var = RADIO__REQUEST__INIT; var.has_id = 1; var.id = (id_)

int main(int argc, char **argv)
{
	struct stream s;
	const char *dir;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_request_seeds DIR\n");
		return 2;
	}
	dir = argv[1];

	{ /* reads */
		Radio__GetInfo gi = RADIO__GET_INFO__INIT;
		Radio__GetStats gs = RADIO__GET_STATS__INIT;
		Radio__GetEq ge = RADIO__GET_EQ__INIT;
		Radio__GetVolume gv = RADIO__GET_VOLUME__INIT;
		Radio__GetSpectrum gsp = RADIO__GET_SPECTRUM__INIT;
		Radio__ResetStats rs = RADIO__RESET_STATS__INIT;
		REQ(a, 1);
		REQ(b, 2);
		REQ(c, 3);
		REQ(d, 4);
		REQ(e, 5);
		REQ(f, 6);
		memset(&s, 0, sizeof s);
		a.body_case = RADIO__REQUEST__BODY_GET_INFO, a.get_info = &gi;
		add_request(&s, &a);
		save(dir, "get_info", &s);
		gs.has_since_start = 1, gs.since_start = 1;
		b.body_case = RADIO__REQUEST__BODY_GET_STATS, b.get_stats = &gs;
		c.body_case = RADIO__REQUEST__BODY_GET_EQ, c.get_eq = &ge;
		d.body_case = RADIO__REQUEST__BODY_GET_VOLUME, d.get_volume = &gv;
		e.body_case = RADIO__REQUEST__BODY_GET_SPECTRUM, e.get_spectrum = &gsp;
		f.body_case = RADIO__REQUEST__BODY_RESET_STATS, f.reset_stats = &rs;
		add_request(&s, &b);
		add_request(&s, &c);
		add_request(&s, &d);
		add_request(&s, &e);
		add_request(&s, &f);
		add_request(&s, &b);
		save(dir, "reads", &s);
	}
	{ /* writes, in range */
		Radio__EqBand band[3] = {RADIO__EQ_BAND__INIT, RADIO__EQ_BAND__INIT,
					 RADIO__EQ_BAND__INIT};
		Radio__EqBand *bp[3] = {&band[0], &band[1], &band[2]};
		Radio__Eq eq = RADIO__EQ__INIT;
		Radio__SetEq se = RADIO__SET_EQ__INIT;
		Radio__SetBand sb = RADIO__SET_BAND__INIT;
		Radio__SetVolume sv = RADIO__SET_VOLUME__INIT;
		Radio__SetMute sm = RADIO__SET_MUTE__INIT;
		Radio__SetBypass sy = RADIO__SET_BYPASS__INIT;
		REQ(a, 10);
		REQ(b, 11);
		REQ(c, 12);
		REQ(d, 13);
		REQ(e, 14);
		for (int i = 0; i < 3; i++) {
			band[i].has_type = 1, band[i].type = (Radio__BandType)i;
			band[i].has_freq_hz = 1, band[i].freq_hz = 100.0 * (i + 1) * (i + 1);
			band[i].has_q = 1, band[i].q = 0.7;
			band[i].has_gain_db = 1, band[i].gain_db = 3.0 * i - 3;
			band[i].has_enabled = 1, band[i].enabled = 1;
		}
		eq.n_band = 3, eq.band = bp;
		eq.has_preamp_db = 1, eq.preamp_db = -3;
		se.eq = &eq;
		a.body_case = RADIO__REQUEST__BODY_SET_EQ, a.set_eq = &se;
		sb.has_index = 1, sb.index = 1;
		sb.has_gain_db = 1, sb.gain_db = 6;
		b.body_case = RADIO__REQUEST__BODY_SET_BAND, b.set_band = &sb;
		sv.has_db = 1, sv.db = -12, sv.has_ramp_ms = 1, sv.ramp_ms = 20;
		c.body_case = RADIO__REQUEST__BODY_SET_VOLUME, c.set_volume = &sv;
		sm.has_mute = 1, sm.mute = 1;
		d.body_case = RADIO__REQUEST__BODY_SET_MUTE, d.set_mute = &sm;
		sy.has_bypass = 1, sy.bypass = 1;
		e.body_case = RADIO__REQUEST__BODY_SET_BYPASS, e.set_bypass = &sy;
		memset(&s, 0, sizeof s);
		add_request(&s, &a);
		add_request(&s, &b);
		add_request(&s, &c);
		add_request(&s, &d);
		add_request(&s, &e);
		save(dir, "writes", &s);

		/* The same requests, every value out of range. */
		band[0].freq_hz = 1e9, band[1].q = 0, band[2].gain_db = NAN;
		eq.preamp_db = 99;
		sb.index = 99, sb.freq_hz = -1, sb.has_freq_hz = 1;
		sv.db = INFINITY, sv.ramp_ms = 1e12;
		memset(&s, 0, sizeof s);
		add_request(&s, &a);
		add_request(&s, &b);
		add_request(&s, &c);
		save(dir, "writes_out_of_range", &s);
	}
	{ /* test signals, subscriptions */
		double tones[3] = {100, 1000, 5000};
		Radio__InjectSignal is = RADIO__INJECT_SIGNAL__INIT;
		Radio__StopSignal st = RADIO__STOP_SIGNAL__INIT;
		Radio__Subscribe sub = RADIO__SUBSCRIBE__INIT;
		Radio__Unsubscribe un = RADIO__UNSUBSCRIBE__INIT;
		REQ(a, 20);
		REQ(b, 21);
		REQ(c, 22);
		REQ(d, 23);
		is.has_kind = 1, is.kind = RADIO__SIGNAL_KIND__MULTITONE;
		is.n_tone_hz = 3, is.tone_hz = tones;
		is.has_level_dbfs = 1, is.level_dbfs = -20;
		a.body_case = RADIO__REQUEST__BODY_INJECT_SIGNAL, a.inject_signal = &is;
		b.body_case = RADIO__REQUEST__BODY_STOP_SIGNAL, b.stop_signal = &st;
		memset(&s, 0, sizeof s);
		add_request(&s, &a);
		add_request(&s, &b);
		save(dir, "inject_stop", &s);
		is.level_dbfs = 40, is.has_duration_s = 1, is.duration_s = -1;
		is.has_channel_mask = 1, is.channel_mask = 0xffffffffu;
		memset(&s, 0, sizeof s);
		add_request(&s, &a);
		save(dir, "inject_out_of_range", &s);
		sub.has_stats = sub.has_meters = sub.has_spectrum = 1;
		sub.stats = sub.meters = sub.spectrum = 1;
		sub.has_interval_ms = 1, sub.interval_ms = 20;
		c.body_case = RADIO__REQUEST__BODY_SUBSCRIBE, c.subscribe = &sub;
		d.body_case = RADIO__REQUEST__BODY_UNSUBSCRIBE, d.unsubscribe = &un;
		memset(&s, 0, sizeof s);
		add_request(&s, &c);
		add_request(&s, &d);
		sub.interval_ms = 5;
		add_request(&s, &c);
		save(dir, "subscribe", &s);
	}
	{ /* presets and reload (unavailable in the harness, answered anyway) */
		Radio__SavePreset sp = RADIO__SAVE_PRESET__INIT;
		Radio__LoadPreset lp = RADIO__LOAD_PRESET__INIT;
		Radio__ListPresets ls = RADIO__LIST_PRESETS__INIT;
		Radio__DeletePreset dp = RADIO__DELETE_PRESET__INIT;
		Radio__ReloadConfig rc = RADIO__RELOAD_CONFIG__INIT;
		REQ(a, 30);
		REQ(b, 31);
		REQ(c, 32);
		REQ(d, 33);
		REQ(e, 34);
		sp.name = (char *)"jazz", lp.name = (char *)"../etc", dp.name = (char *)"";
		a.body_case = RADIO__REQUEST__BODY_SAVE_PRESET, a.save_preset = &sp;
		b.body_case = RADIO__REQUEST__BODY_LOAD_PRESET, b.load_preset = &lp;
		c.body_case = RADIO__REQUEST__BODY_LIST_PRESETS, c.list_presets = &ls;
		d.body_case = RADIO__REQUEST__BODY_DELETE_PRESET, d.delete_preset = &dp;
		e.body_case = RADIO__REQUEST__BODY_RELOAD_CONFIG, e.reload_config = &rc;
		memset(&s, 0, sizeof s);
		add_request(&s, &a);
		add_request(&s, &b);
		add_request(&s, &c);
		add_request(&s, &d);
		add_request(&s, &e);
		save(dir, "presets_reload", &s);
	}
	{ /* audio over the socket */
		float samples[64];
		Radio__InjectStream ist = RADIO__INJECT_STREAM__INIT;
		Radio__InjectAudio ia = RADIO__INJECT_AUDIO__INIT;
		Radio__CaptureSignal sig = RADIO__CAPTURE_SIGNAL__INIT;
		Radio__CaptureSignal *sigp = &sig;
		Radio__StartCapture sc = RADIO__START_CAPTURE__INIT;
		Radio__ReadCapture rc = RADIO__READ_CAPTURE__INIT;
		REQ(a, 40);
		REQ(b, 41);
		REQ(c, 42);
		REQ(d, 43);
		for (int i = 0; i < 64; i++)
			samples[i] = (float)sin(i * 0.1) * 0.5f;
		ist.has_channels = 1, ist.channels = 2;
		ist.has_prefill_ms = 1, ist.prefill_ms = 10;
		a.body_case = RADIO__REQUEST__BODY_INJECT_STREAM, a.inject_stream = &ist;
		ia.n_sample = 64, ia.sample = samples;
		b.body_case = RADIO__REQUEST__BODY_INJECT_AUDIO, b.inject_audio = &ia;
		memset(&s, 0, sizeof s);
		add_request(&s, &a);
		add_request(&s, &b);
		ia.has_end = 1, ia.end = 1;
		add_request(&s, &b);
		save(dir, "inject_stream", &s);
		sig.has_point = 1, sig.point = RADIO__CAPTURE_POINT__CAPTURE_OUTPUT;
		sc.n_signal = 1, sc.signal = &sigp;
		sc.has_frames = 1, sc.frames = 1024;
		c.body_case = RADIO__REQUEST__BODY_START_CAPTURE, c.start_capture = &sc;
		rc.has_max_frames = 1, rc.max_frames = 256;
		d.body_case = RADIO__REQUEST__BODY_READ_CAPTURE, d.read_capture = &rc;
		memset(&s, 0, sizeof s);
		add_request(&s, &c);
		add_request(&s, &d);
		save(dir, "capture", &s);
	}
	{ /* broken frames */
		static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x80};
		REQ(a, 50);
		memset(&s, 0, sizeof s);
		add_request(&s, &a);	/* no body: UNKNOWN_REQUEST, stays open */
		add_header(&s, 0);
		save(dir, "empty_frame", &s);
		memset(&s, 0, sizeof s);
		add_header(&s, FRAME_MAX_PAYLOAD + 1);
		save(dir, "oversize_length", &s);
		memset(&s, 0, sizeof s);
		add_header(&s, 0xffffffffu);
		save(dir, "huge_length", &s);
		memset(&s, 0, sizeof s);
		add_header(&s, sizeof garbage);
		add_bytes(&s, garbage, sizeof garbage);
		save(dir, "garbage_payload", &s);
		memset(&s, 0, sizeof s);
		add_header(&s, 100);
		add_bytes(&s, garbage, sizeof garbage);
		save(dir, "truncated", &s);
		memset(&s, 0, sizeof s);
		add_bytes(&s, garbage, 2);
		save(dir, "half_header", &s);
	}
	return 0;
}

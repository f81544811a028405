/*
 * cmd_inject.c - radioctl inject and stop: test signals generated inside
 * radiod (`inject file` is in cmd_inject_file.c).
 */
#include "clients/ctl.h"

#include <string.h>

static const struct {
	const char *name;
	Radio__SignalKind kind;
} kinds[] = {
	{ "sine", RADIO__SIGNAL_KIND__SINE },
	{ "sweep", RADIO__SIGNAL_KIND__SWEEP },
	{ "noise", RADIO__SIGNAL_KIND__WHITE_NOISE },
	{ "white", RADIO__SIGNAL_KIND__WHITE_NOISE },
	{ "pink", RADIO__SIGNAL_KIND__PINK_NOISE },
	{ "impulse", RADIO__SIGNAL_KIND__IMPULSE },
	{ "multitone", RADIO__SIGNAL_KIND__MULTITONE },
};

enum {
	OPT_FREQ = 1, OPT_TO, OPT_LEVEL, OPT_DURATION, OPT_CHANNELS, OPT_REPLACE, OPT_MIX,
	OPT_TONES, OPT_SEED
};

static int not_for(struct ctl *ctl, const char *option, Radio__SignalKind kind)
{
	return ctl_fail(ctl, CTL_USAGE, "inject: %s does not apply to %s (see 'radioctl inject "
			"--help')", option, ctl_signal_name(kind));
}

int cmd_inject(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] =
		"inject sine|sweep|noise|pink|impulse|multitone [OPTIONS]";
	static const char help[] =
		"Plays a test signal generated inside radiod, mixed with the input or\n"
		"replacing it, until --duration ends or 'radioctl stop'.\n"
		"\n"
		"  --freq HZ         sine: its frequency; sweep: where it starts; impulse:\n"
		"                    repetitions per second (0: once). 'k' suffix: x1000\n"
		"  --to HZ           sweep: where it ends\n"
		"  --level DBFS      -120 .. 0\n"
		"  --duration S      seconds, 0 = until stopped (a sweep needs > 0)\n"
		"  --channels LIST   1-based channels, e.g. 1,2 (default: all)\n"
		"  --mix, --replace  add to the input (default), or mute the input meanwhile\n"
		"  --tones LIST      multitone: up to 16 frequencies, e.g. 100,1000,5000\n"
		"  --seed N          noise, pink: the generator's seed, 0 .. 4294967295\n"
		"Values not given take radiod's defaults.\n"
		"\n"
		"\n"
		"'radioctl inject file PATH' plays an audio file instead: see\n"
		"'radioctl inject file --help'.\n"
		"\n"
		"Examples: radioctl inject sine --freq 1k --level -20\n"
		"          radioctl inject sweep --freq 20 --to 20k --duration 10 --replace\n";
	static const struct ctl_option opts[] = {
		{ "freq", OPT_FREQ, true },
		{ "to", OPT_TO, true },
		{ "level", OPT_LEVEL, true },
		{ "duration", OPT_DURATION, true },
		{ "channels", OPT_CHANNELS, true },
		{ "replace", OPT_REPLACE, false },
		{ "mix", OPT_MIX, false },
		{ "tones", OPT_TONES, true },
		{ "seed", OPT_SEED, true },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	Radio__InjectSignal sig = RADIO__INJECT_SIGNAL__INIT;
	double tones[CTL_MAX_TONES];
	const char *val, *freq_text = NULL;
	bool have_kind = false;
	long seed;
	int r;

	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			if (!have_kind && strcmp(val, "file") == 0)
				return cmd_inject_file(ctl, argc, argv);
			if (have_kind)
				return ctl_unexpected(ctl, val);
			for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
				if (strcmp(val, kinds[k].name) == 0) {
					sig.kind = kinds[k].kind;
					have_kind = true;
				}
			}
			if (!have_kind)
				return ctl_fail(ctl, CTL_USAGE, "inject: '%s' is not a signal (sine, "
						"sweep, noise, pink, impulse, multitone) nor 'file'",
						val);
			sig.has_kind = 1;
			break;
		case OPT_FREQ:
			/* Its range depends on the kind, which may come later. */
			freq_text = val;
			break;
		case OPT_TO:
			if (ctl_parse_freq(ctl, "--to", val, CTL_FREQ_MIN, CTL_FREQ_MAX,
					   &sig.freq_end_hz) != CTL_OK)
				return CTL_USAGE;
			sig.has_freq_end_hz = 1;
			break;
		case OPT_LEVEL:
			if (ctl_parse_double(ctl, "--level", val, CTL_LEVEL_MIN, CTL_LEVEL_MAX,
					     &sig.level_dbfs) != CTL_OK)
				return CTL_USAGE;
			sig.has_level_dbfs = 1;
			break;
		case OPT_DURATION:
			if (ctl_parse_double(ctl, "--duration", val, 0, CTL_DURATION_MAX,
					     &sig.duration_s) != CTL_OK)
				return CTL_USAGE;
			sig.has_duration_s = 1;
			break;
		case OPT_CHANNELS:
			if (ctl_parse_channels(ctl, "--channels", val, &sig.channel_mask) != CTL_OK)
				return CTL_USAGE;
			sig.has_channel_mask = 1;
			break;
		case OPT_REPLACE:
		case OPT_MIX:
			if (sig.has_mode && (sig.mode == RADIO__INJECT_MODE__REPLACE) !=
						    (r == OPT_REPLACE))
				return ctl_fail(ctl, CTL_USAGE, "inject: --mix and --replace together");
			sig.has_mode = 1;
			sig.mode = r == OPT_REPLACE ? RADIO__INJECT_MODE__REPLACE
						    : RADIO__INJECT_MODE__MIX;
			break;
		case OPT_TONES:
			if (ctl_parse_freq_list(ctl, "--tones", val, CTL_FREQ_MIN, CTL_FREQ_MAX, tones,
						CTL_MAX_TONES, &sig.n_tone_hz) != CTL_OK)
				return CTL_USAGE;
			sig.tone_hz = tones;
			break;
		case OPT_SEED:
			if (ctl_parse_long(ctl, "--seed", val, 0, UINT32_MAX, &seed) != CTL_OK)
				return CTL_USAGE;
			sig.has_seed = 1;
			sig.seed = (uint32_t)seed;
			break;
		}
	}
	if (!have_kind)
		return ctl_fail(ctl, CTL_USAGE, "inject: which signal? (usage: radioctl %s)",
				synopsis);

	if (freq_text) {
		double min = sig.kind == RADIO__SIGNAL_KIND__IMPULSE ? 0 : CTL_FREQ_MIN;

		if (sig.kind != RADIO__SIGNAL_KIND__SINE && sig.kind != RADIO__SIGNAL_KIND__SWEEP &&
		    sig.kind != RADIO__SIGNAL_KIND__IMPULSE)
			return not_for(ctl, "--freq", sig.kind);
		if (ctl_parse_freq(ctl, "--freq", freq_text, min, CTL_FREQ_MAX, &sig.freq_hz) !=
		    CTL_OK)
			return CTL_USAGE;
		sig.has_freq_hz = 1;
	}
	if (sig.has_freq_end_hz && sig.kind != RADIO__SIGNAL_KIND__SWEEP)
		return not_for(ctl, "--to", sig.kind);
	if (sig.n_tone_hz && sig.kind != RADIO__SIGNAL_KIND__MULTITONE)
		return not_for(ctl, "--tones", sig.kind);
	if (sig.has_seed && sig.kind != RADIO__SIGNAL_KIND__WHITE_NOISE &&
	    sig.kind != RADIO__SIGNAL_KIND__PINK_NOISE)
		return not_for(ctl, "--seed", sig.kind);
	if (sig.kind == RADIO__SIGNAL_KIND__MULTITONE && !sig.n_tone_hz)
		return ctl_fail(ctl, CTL_USAGE, "inject multitone: --tones is needed, e.g. "
				"--tones 100,1000,5000");
	if (sig.kind == RADIO__SIGNAL_KIND__SWEEP && (!sig.has_duration_s || sig.duration_s <= 0))
		return ctl_fail(ctl, CTL_USAGE, "inject sweep: --duration must be given and > 0");

	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_inject(ctl->rc, &sig, NULL);
	if (r < 0)
		return ctl_client_error(ctl, r);
	ctl_json_empty(ctl);
	return CTL_OK;
}

int cmd_stop(struct ctl *ctl, int argc, char **argv)
{
	bool helped;
	int r = ctl_args_none(ctl, argc, argv, "stop",
			      "Stops the test signal started by 'radioctl inject', if any.\n",
			      &helped);

	if (r != CTL_OK || helped)
		return r;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_stop_signal(ctl->rc);
	if (r < 0)
		return ctl_client_error(ctl, r);
	ctl_json_empty(ctl);
	return CTL_OK;
}

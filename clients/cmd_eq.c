/*
 * cmd_eq.c - radioctl eq show|set|band|bypass.
 */
#include "clients/ctl.h"

#include <string.h>

static const char eq_synopsis[] = "eq [show|set|band|bypass] ...";
static const char eq_help[] =
	"  eq [show]                  the EQ: preamp, bypass, and every band\n"
	"  eq set [--preamp DB] [--bypass on|off] --band TYPE:FREQ:GAIN:Q[:on|off] ...\n"
	"                             replace the whole EQ (see 'radioctl eq set --help')\n"
	"  eq band INDEX [--type TYPE] [--freq HZ] [--gain DB] [--q Q] [--on|--off]\n"
	"                             change some values of one band\n"
	"  eq bypass on|off           bypass the EQ (click-free)\n"
	"\n"
	"Band types: peaking, lowshelf, highshelf, lowpass, highpass, bandpass, notch,\n"
	"allpass. Ranges: frequency 10 Hz .. 0.49 x the sample rate (a 'k' suffix\n"
	"multiplies by 1000), gain and preamp -24 .. +24 dB, Q 0.1 .. 20.\n"
	"Changes print the EQ radiod applied ('eq show' output, or JSON with --json).\n";

/* Prints the EQ the reply carries, if any; reply is freed. */
static int show_reply(struct ctl *ctl, Radio__Reply *reply)
{
	if (reply && reply->body_case == RADIO__REPLY__BODY_EQ && reply->eq) {
		if (ctl->json)
			ctl_json_message(ctl->out, &reply->eq->base);
		else
			ctl_print_eq(ctl->out, reply->eq);
	} else {
		ctl_json_empty(ctl);
	}
	radioclient_reply_free(reply);
	return CTL_OK;
}

static int eq_show(struct ctl *ctl, int argc, char **argv)
{
	Radio__Reply *reply;
	bool helped;
	int r = ctl_args_none(ctl, argc, argv, "eq show",
			      "Shows the preamp, the bypass switch, and each band's type,\n"
			      "frequency, gain, Q and on/off.\n", &helped);

	if (r != CTL_OK || helped)
		return r;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_get_eq(ctl->rc, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	return show_reply(ctl, reply);
}

enum { OPT_PREAMP = 1, OPT_BYPASS, OPT_BAND, OPT_TYPE, OPT_FREQ, OPT_GAIN, OPT_Q, OPT_ON, OPT_OFF };

static int eq_set(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] =
		"eq set [--preamp DB] [--bypass on|off] --band TYPE:FREQ:GAIN:Q[:on|off] ...";
	static const char help[] =
		"Replaces the whole EQ at once (validated as a whole, applied click-free).\n"
		"Each --band gives the next band, band 0 first; bands not given and values\n"
		"left out take radiod's defaults.\n"
		"\n"
		"  --band TYPE:FREQ:GAIN:Q[:on|off]  e.g. lowshelf:100:+3:0.7 or\n"
		"                                   peaking:2.5k:-4:1.4:off (default on)\n"
		"  --preamp DB                      -24 .. +24\n"
		"  --bypass on|off\n"
		"\n"
		"Example: radioctl eq set --preamp -3 --band lowshelf:80:4:0.7 \\\n"
		"             --band peaking:1k:-2:1.4 --band highshelf:10k:2:0.7\n";
	static const struct ctl_option opts[] = {
		{ "preamp", OPT_PREAMP, true },
		{ "bypass", OPT_BYPASS, true },
		{ "band", OPT_BAND, true },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	Radio__EqBand bands[CTL_MAX_BANDS];
	Radio__EqBand *band_ptrs[CTL_MAX_BANDS];
	Radio__Eq eq = RADIO__EQ__INIT;
	Radio__Reply *reply;
	bool bypass;
	const char *val;
	int r;

	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			return ctl_unexpected(ctl, val);
		case OPT_PREAMP:
			if (ctl_parse_double(ctl, "--preamp", val, CTL_GAIN_MIN, CTL_GAIN_MAX,
					     &eq.preamp_db) != CTL_OK)
				return CTL_USAGE;
			eq.has_preamp_db = 1;
			break;
		case OPT_BYPASS:
			if (ctl_parse_onoff(ctl, "--bypass", val, &bypass) != CTL_OK)
				return CTL_USAGE;
			eq.has_bypass = 1;
			eq.bypass = bypass;
			break;
		case OPT_BAND:
			if (eq.n_band == CTL_MAX_BANDS)
				return ctl_fail(ctl, CTL_USAGE, "eq set: more than %d bands",
						CTL_MAX_BANDS);
			if (ctl_parse_band_spec(ctl, "--band", val, &bands[eq.n_band]) != CTL_OK)
				return CTL_USAGE;
			band_ptrs[eq.n_band] = &bands[eq.n_band];
			eq.n_band++;
			break;
		}
	}
	/* A whole EQ without bands would flatten everything: surely a slip. */
	if (eq.n_band == 0)
		return ctl_fail(ctl, CTL_USAGE, "eq set: no --band given (see 'radioctl eq set "
				"--help'; 'radioctl eq band' changes a single band)");
	eq.band = band_ptrs;

	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_set_eq(ctl->rc, &eq, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	return show_reply(ctl, reply);
}

static int eq_band(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] =
		"eq band INDEX [--type TYPE] [--freq HZ] [--gain DB] [--q Q] [--on|--off]";
	static const char help[] =
		"Changes the values given of band INDEX (0 first); the others stay.\n"
		"\n"
		"  --type TYPE   peaking, lowshelf, highshelf, lowpass, highpass, bandpass,\n"
		"                notch, allpass\n"
		"  --freq HZ     10 .. 0.49 x the sample rate; '2.5k' = 2500\n"
		"  --gain DB     -24 .. +24\n"
		"  --q Q         0.1 .. 20\n"
		"  --on, --off   switch the band on or off\n"
		"\n"
		"Example: radioctl eq band 3 --freq 1000 --gain 6 --q 1.4 --type peaking --on\n";
	static const struct ctl_option opts[] = {
		{ "type", OPT_TYPE, true },
		{ "freq", OPT_FREQ, true },
		{ "gain", OPT_GAIN, true },
		{ "q", OPT_Q, true },
		{ "on", OPT_ON, false },
		{ "off", OPT_OFF, false },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	Radio__SetBand band = RADIO__SET_BAND__INIT;
	Radio__Reply *reply;
	bool have_index = false;
	const char *val;
	long index;
	int r;

	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			if (have_index)
				return ctl_unexpected(ctl, val);
			if (ctl_parse_long(ctl, "band INDEX", val, 0, CTL_MAX_BANDS - 1, &index) !=
			    CTL_OK)
				return CTL_USAGE;
			have_index = true;
			break;
		case OPT_TYPE:
			if (ctl_parse_band_type(ctl, "--type", val, &band.type) != CTL_OK)
				return CTL_USAGE;
			band.has_type = 1;
			break;
		case OPT_FREQ:
			if (ctl_parse_freq(ctl, "--freq", val, CTL_FREQ_MIN, CTL_FREQ_MAX,
					   &band.freq_hz) != CTL_OK)
				return CTL_USAGE;
			band.has_freq_hz = 1;
			break;
		case OPT_GAIN:
			if (ctl_parse_double(ctl, "--gain", val, CTL_GAIN_MIN, CTL_GAIN_MAX,
					     &band.gain_db) != CTL_OK)
				return CTL_USAGE;
			band.has_gain_db = 1;
			break;
		case OPT_Q:
			if (ctl_parse_double(ctl, "--q", val, CTL_Q_MIN, CTL_Q_MAX, &band.q) !=
			    CTL_OK)
				return CTL_USAGE;
			band.has_q = 1;
			break;
		case OPT_ON:
		case OPT_OFF:
			if (band.has_enabled && band.enabled != (r == OPT_ON))
				return ctl_fail(ctl, CTL_USAGE, "eq band: --on and --off together");
			band.has_enabled = 1;
			band.enabled = r == OPT_ON;
			break;
		}
	}
	if (!have_index)
		return ctl_fail(ctl, CTL_USAGE, "eq band: which band? (usage: radioctl %s)",
				synopsis);
	if (!band.has_type && !band.has_freq_hz && !band.has_gain_db && !band.has_q &&
	    !band.has_enabled)
		return ctl_fail(ctl, CTL_USAGE, "eq band: nothing to change (usage: radioctl %s)",
				synopsis);
	band.has_index = 1;
	band.index = (uint32_t)index;

	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_set_band(ctl->rc, &band, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	return show_reply(ctl, reply);
}

static int eq_bypass(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] = "eq bypass on|off";
	struct ctl_args a = { argc, argv, 1, false };
	Radio__Reply *reply;
	bool have = false, bypass = false;
	const char *val;
	int r;

	while ((r = ctl_next_arg(ctl, &a, NULL, &val)) != CTL_ARG_END) {
		if (r == CTL_ARG_HELP)
			return ctl_help(ctl, synopsis,
					"Bypasses the EQ (on) or puts it back (off), with a "
					"crossfade.\n");
		if (r == CTL_ARG_ERROR)
			return CTL_USAGE;
		if (have)
			return ctl_unexpected(ctl, val);
		if (ctl_parse_onoff(ctl, "eq bypass", val, &bypass) != CTL_OK)
			return CTL_USAGE;
		have = true;
	}
	if (!have)
		return ctl_fail(ctl, CTL_USAGE, "eq bypass: on or off? (usage: radioctl %s)",
				synopsis);
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_set_bypass(ctl->rc, bypass, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	return show_reply(ctl, reply);
}

int cmd_eq(struct ctl *ctl, int argc, char **argv)
{
	static const struct {
		const char *name, *command;
		int (*run)(struct ctl *, int, char **);
	} subs[] = {
		{ "show", "eq show", eq_show },
		{ "set", "eq set", eq_set },
		{ "band", "eq band", eq_band },
		{ "bypass", "eq bypass", eq_bypass },
	};
	struct ctl_args a = { argc, argv, 1, false };
	const char *val;
	int r;

	/* Global options may come before the subcommand: ctl_next_arg takes them. */
	r = ctl_next_arg(ctl, &a, NULL, &val);
	if (r == CTL_ARG_HELP)
		return ctl_help(ctl, eq_synopsis, eq_help);
	if (r == CTL_ARG_ERROR)
		return CTL_USAGE;
	if (r == CTL_ARG_END) {
		ctl->command = "eq show";
		return eq_show(ctl, 1, argv);
	}
	for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++) {
		if (strcmp(val, subs[k].name) == 0) {
			ctl->command = subs[k].command;
			return subs[k].run(ctl, argc - (a.next - 1), argv + a.next - 1);
		}
	}
	return ctl_fail(ctl, CTL_USAGE, "eq: no subcommand '%s' (show, set, band, bypass)", val);
}

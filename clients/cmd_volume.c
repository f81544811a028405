/*
 * cmd_volume.c - radioctl volume and mute.
 */
#include "clients/ctl.h"

#include <errno.h>

/* Prints the Volume the reply carries, if any; reply is freed. */
static int show_reply(struct ctl *ctl, Radio__Reply *reply)
{
	if (reply && reply->body_case == RADIO__REPLY__BODY_VOLUME && reply->volume) {
		if (ctl->json)
			ctl_json_message(ctl->out, &reply->volume->base);
		else
			ctl_print_volume(ctl->out, reply->volume);
	} else {
		ctl_json_empty(ctl);
	}
	radioclient_reply_free(reply);
	return CTL_OK;
}

enum { OPT_RAMP = 1 };

int cmd_volume(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] = "volume [DB] [--ramp MS]";
	static const char help[] =
		"Without DB: shows the volume and whether the output is muted.\n"
		"With DB (-120 .. +12): ramps the volume there, click-free.\n"
		"\n"
		"  --ramp MS   ramp time, 0 .. 10000 ms (default: radiod's, 50 ms)\n"
		"\n"
		"Example: radioctl volume -12 --ramp 500\n";
	static const struct ctl_option opts[] = {
		{ "ramp", OPT_RAMP, true },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	Radio__Reply *reply;
	double db = 0, ramp_ms = -1;
	bool have_db = false;
	const char *val;
	int r;

	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			if (have_db)
				return ctl_unexpected(ctl, val);
			if (ctl_parse_double(ctl, "volume DB", val, CTL_VOLUME_MIN, CTL_VOLUME_MAX,
					     &db) != CTL_OK)
				return CTL_USAGE;
			have_db = true;
			break;
		case OPT_RAMP:
			if (ctl_parse_double(ctl, "--ramp", val, 0, CTL_RAMP_MAX, &ramp_ms) !=
			    CTL_OK)
				return CTL_USAGE;
			break;
		}
	}
	if (!have_db && ramp_ms >= 0)
		return ctl_fail(ctl, CTL_USAGE, "volume: --ramp without a volume (usage: "
				"radioctl %s)", synopsis);

	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	if (have_db) {
		r = radioclient_set_volume(ctl->rc, db, ramp_ms, &reply);
	} else {
		r = radioclient_get_volume(ctl->rc, &reply);
	}
	if (r < 0)
		return ctl_client_error(ctl, r);
	return show_reply(ctl, reply);
}

int cmd_mute(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] = "mute on|off";
	struct ctl_args a = { argc, argv, 1, false };
	Radio__Reply *reply;
	bool have = false, mute = false;
	const char *val;
	int r;

	while ((r = ctl_next_arg(ctl, &a, NULL, &val)) != CTL_ARG_END) {
		if (r == CTL_ARG_HELP)
			return ctl_help(ctl, synopsis,
					"Mutes the output (on) or unmutes it (off), with a ramp; "
					"the volume is kept.\n");
		if (r == CTL_ARG_ERROR)
			return CTL_USAGE;
		if (have)
			return ctl_unexpected(ctl, val);
		if (ctl_parse_onoff(ctl, "mute", val, &mute) != CTL_OK)
			return CTL_USAGE;
		have = true;
	}
	if (!have)
		return ctl_fail(ctl, CTL_USAGE, "mute: on or off? (usage: radioctl %s)", synopsis);
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_set_mute(ctl->rc, mute, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	return show_reply(ctl, reply);
}

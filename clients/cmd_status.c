/*
 * cmd_status.c - radioctl's read-side commands: info, stats, reset (the
 * spectrum is in cmd_live.c, with the other views).
 */
#include "clients/ctl.h"

int cmd_info(struct ctl *ctl, int argc, char **argv)
{
	static const char help[] =
		"Shows radiod's version and protocol version, the JACK server, sample rate,\n"
		"period and channels, the engine state, uptime, and the scheduling policy and\n"
		"priority of the audio thread (with a warning when it is not real-time).\n";
	Radio__Reply *reply;
	bool helped;
	int r = ctl_args_none(ctl, argc, argv, "info", help, &helped);

	if (r != CTL_OK || helped)
		return r;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_get_info(ctl->rc, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	if (ctl->json)
		ctl_json_message(ctl->out, &reply->info->base);
	else
		ctl_print_info(ctl->out, reply->info);
	radioclient_reply_free(reply);
	return CTL_OK;
}

int cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	static const char help[] =
		"Shows what radiod measured since it started or since 'radioctl reset':\n"
		"engine state, sample rate and period, callbacks, frames, xruns, JACK's DSP\n"
		"load, budget use (processing time / period: p99 and max), the audio thread's\n"
		"scheduling (a loud warning when it is not real-time), then for each timing\n"
		"histogram (interval jitter, processing time, wake-up latency) its count and\n"
		"min/p50/p90/p99/p99.9/max/mean in microseconds, the meters per channel\n"
		"(peak and RMS in dBFS, clipped samples), and what radiod dropped.\n"
		"\n"
		"With --json: the Stats message of radio.proto, times in ns, with the raw\n"
		"sparse histograms (index/bucket_count pairs) for any other percentile.\n"
		"\n"
		"  --prometheus  print the Prometheus text format instead, as radiod serves\n"
		"                it on /metrics: counted since radiod started (a reset does\n"
		"                not show), timing histograms in seconds with fixed buckets;\n"
		"                for node_exporter's textfile collector. Write to a temporary\n"
		"                file and rename it, so the collector never reads half a\n"
		"                file:\n"
		"                  radioctl stats --prometheus >DIR/radiod.prom.tmp &&\n"
		"                  mv DIR/radiod.prom.tmp DIR/radiod.prom\n";
	static const struct ctl_option opts[] = {
		{ "prometheus", 1, false },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	Radio__Reply *reply;
	bool prometheus = false;
	const char *val;
	int r;

	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, "stats [--prometheus]", help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			return ctl_unexpected(ctl, val);
		default:
			prometheus = true;
			break;
		}
	}
	if (prometheus && ctl->json)
		return ctl_fail(ctl, CTL_USAGE, "stats: --prometheus and --json are two output "
				"formats; choose one");
	if (prometheus)
		return ctl_stats_prometheus(ctl);
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	/* The histograms are for scripts; the table needs only the percentiles. */
	r = radioclient_get_stats(ctl->rc, ctl->json, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	if (ctl->json)
		ctl_json_message(ctl->out, &reply->stats->base);
	else
		ctl_print_stats(ctl->out, reply->stats);
	radioclient_reply_free(reply);
	return CTL_OK;
}

int cmd_reset(struct ctl *ctl, int argc, char **argv)
{
	static const char help[] =
		"Starts the statistics afresh: later 'radioctl stats' report what happened\n"
		"since. The audio is not interrupted. Prints nothing ({} with --json).\n";
	bool helped;
	int r = ctl_args_none(ctl, argc, argv, "reset", help, &helped);

	if (r != CTL_OK || helped)
		return r;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_reset_stats(ctl->rc);
	if (r < 0)
		return ctl_client_error(ctl, r);
	ctl_json_empty(ctl);
	return CTL_OK;
}

/*
 * cmd_prometheus.c - `radioctl stats --prometheus`: radiod's statistics in
 * the Prometheus text format, for node_exporter's textfile collector.  The
 * text is what radiod serves on /metrics, written by the same code
 * (proto/metrics_text.h) from the same Stats message.
 */
#include "clients/ctl.h"

#include <errno.h>
#include <string.h>

#include "proto/metrics_text.h"

int ctl_stats_prometheus(struct ctl *ctl)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetStats body = RADIO__GET_STATS__INIT;
	Radio__Reply *reply;
	int r;

	/* Since radiod started, as the endpoint: a textfile counter must not
	 * go back when somebody runs `radioctl reset`. */
	body.has_histograms = body.histograms = true;
	body.has_since_start = body.since_start = true;
	req.body_case = RADIO__REQUEST__BODY_GET_STATS;
	req.get_stats = &body;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_request(ctl->rc, &req, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	if (reply->body_case != RADIO__REPLY__BODY_STATS || !reply->stats) {
		radioclient_reply_free(reply);
		return ctl_fail(ctl, CTL_PROTOCOL, "stats: protocol error: the reply carries no "
				"stats");
	}
	r = metrics_text_write(ctl->out, reply->stats);
	radioclient_reply_free(reply);
	if (r == -EBADMSG)
		return ctl_fail(ctl, CTL_PROTOCOL, "stats: radiod sent a histogram that does not "
				"follow the bucket scheme of protocol %d; is radiod the same version "
				"as radioctl ('radioctl info')?", RADIO__VERSION__PROTOCOL_VERSION);
	if (r < 0)
		return ctl_fail(ctl, CTL_FAILURE, "stats: cannot write the output: %s",
				strerror(-r));
	return CTL_OK;
}

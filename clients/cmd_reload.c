/*
 * cmd_reload.c - radioctl reload: radiod reads its configuration file again.
 */
#include "clients/ctl.h"

int cmd_reload(struct ctl *ctl, int argc, char **argv)
{
	static const char help[] =
		"Makes radiod read its configuration file again (as SIGHUP does).  The whole\n"
		"file is checked first: a file with an error is refused, the message names\n"
		"the file, line and reason (exit status 1), and radiod keeps what it runs\n"
		"on.  From a good file the keys that can change at once do; the others wait\n"
		"for the next start of radiod, and radioctl prints which of them differ.\n"
		"Needs write permission (root, radiod's user or its control group).\n"
		"\n"
		"With --json: the Status of the reply (its message names those keys).\n";
	Radio__Reply *reply;
	const char *note;
	bool helped;
	int r = ctl_args_none(ctl, argc, argv, "reload", help, &helped);

	if (r != CTL_OK || helped)
		return r;
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_reload_config(ctl->rc, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	note = reply->status && reply->status->message ? reply->status->message : "";
	if (ctl->json && reply->status)
		ctl_json_message(ctl->out, &reply->status->base);
	else if (ctl->json)
		ctl_json_empty(ctl);
	else if (note[0])
		fprintf(ctl->out, "%s\n", note);
	radioclient_reply_free(reply);
	return CTL_OK;
}

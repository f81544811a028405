/*
 * radioctl.c - the radioctl command: runs ctl_main() and is the one place
 * that prints an error. See `radioctl --help` and ctl.h.
 */
#include "clients/ctl.h"

#include <errno.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct ctl ctl;
	int code;

	ctl_init(&ctl, stdout);
	code = ctl_main(&ctl, argc, argv);
	ctl_fini(&ctl);
	if ((fflush(stdout) != 0 || ferror(stdout)) && code == CTL_OK)
		code = ctl_fail(&ctl, CTL_FAILURE, "cannot write the output: %s", strerror(errno));
	if (code != CTL_OK)
		fprintf(stderr, "radioctl: %s\n", ctl.err[0] ? ctl.err : "failed");
	return code;
}

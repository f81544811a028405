/*
 * ctl_term.c - Ctrl-C and in-place redrawing for radioctl's long-running
 * commands (see ctl_term.h).  The escape sequences are the VT100/ECMA-48
 * ones every terminal emulator in use understands.
 */
#include "clients/ctl_term.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define CSI "\033["

void ctl_interrupt_hold(struct ctl_interrupt *in)
{
	sigemptyset(&in->held);
	sigaddset(&in->held, SIGINT);
	sigaddset(&in->held, SIGTERM);
	sigaddset(&in->held, SIGHUP);
	in->on = sigprocmask(SIG_BLOCK, &in->held, &in->old) == 0;
}

bool ctl_interrupt_wait(struct ctl_interrupt *in, int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	int sig;

	if (!in->on) {
		/* Nothing held: a plain sleep. */
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		return false;
	}
	do
		sig = sigtimedwait(&in->held, NULL, &ts);
	while (sig < 0 && errno == EINTR);
	return sig > 0;
}

void ctl_interrupt_release(struct ctl_interrupt *in)
{
	struct timespec zero = { 0, 0 };

	if (!in->on)
		return;
	while (sigtimedwait(&in->held, NULL, &zero) > 0)
		;
	sigprocmask(SIG_SETMASK, &in->old, NULL);
	in->on = false;
}

void ctl_screen_open(struct ctl_screen *s, FILE *out)
{
	int fd = fileno(out);

	s->out = out;
	s->tty = fd >= 0 && isatty(fd);
	s->drawn = false;
}

void ctl_screen_size(const struct ctl_screen *s, int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (s->tty && ioctl(fileno(s->out), TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

void ctl_screen_begin(struct ctl_screen *s)
{
	if (!s->tty)
		return;
	if (!s->drawn) {
		/* Hide the cursor, clear the screen. */
		fputs(CSI "?25l" CSI "2J", s->out);
		s->drawn = true;
	}
	fputs(CSI "H", s->out);
}

void ctl_screen_line(struct ctl_screen *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(s->out, fmt, ap);
	va_end(ap);
	if (s->tty)
		fputs(CSI "K", s->out);
	fputc('\n', s->out);
}

void ctl_screen_end(struct ctl_screen *s)
{
	if (s->tty)
		fputs(CSI "J", s->out);
	fflush(s->out);
}

void ctl_screen_close(struct ctl_screen *s)
{
	if (s->tty && s->drawn) {
		fputs(CSI "?25h", s->out);
		fflush(s->out);
	}
	s->drawn = false;
}

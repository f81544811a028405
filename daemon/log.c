#include "daemon/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const level_name[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

/* syslog(3) priorities, as journald reads them from a "<N>" prefix. */
static const int journal_priority[] = {
	[LOG_LEVEL_ERROR] = 3,
	[LOG_LEVEL_WARNING] = 4,
	[LOG_LEVEL_INFO] = 6,
	[LOG_LEVEL_DEBUG] = 7,
};

/* JOURNAL_STREAM is "DEV:INO" in decimal, set by systemd for a service
 * whose stdout or stderr is connected to the journal.  A descriptor
 * redirected since (or inherited by a child) no longer matches it. */
static bool is_journal_stream(int fd)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	if (!v || !*v || fstat(fd, &st) < 0)
		return false;
	errno = 0;
	dev = strtoull(v, &end, 10);
	if (errno || end == v || *end != ':')
		return false;
	v = end + 1;
	ino = strtoull(v, &end, 10);
	if (errno || end == v || *end)
		return false;
	return dev == (unsigned long long)st.st_dev && ino == (unsigned long long)st.st_ino;
}

void log_init(struct log *lg, const char *ident, int fd, bool verbose)
{
	lg->threshold = verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO;
	lg->fd = fd;
	lg->ident = ident;
	lg->journal = is_journal_stream(fd);
}

bool log_enabled(const struct log *lg, enum log_level level)
{
	return lg && level <= lg->threshold;
}

void log_vmsg(const struct log *lg, enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];
	int saved_errno = errno;
	int n, m;

	if (!log_enabled(lg, level))
		return;
	if (lg->journal)
		n = snprintf(line, sizeof line, "<%d>", journal_priority[level]);
	else
		n = snprintf(line, sizeof line, "%s: %s: ", lg->ident, level_name[level]);
	if (n < 0)
		n = 0;
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof line - 2) {
		/* Truncated: keep the line whole and say so. */
		n = (int)sizeof line - 5;
		memcpy(line + n, "...", 3);
		n += 3;
	}
	line[n++] = '\n';
	/* One write per line; a failure (closed stderr) has nowhere to go. */
	ssize_t w = write(lg->fd, line, (size_t)n);
	(void)w;
	errno = saved_errno;
}

void log_msg(const struct log *lg, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lg, level, fmt, ap);
	va_end(ap);
}

/*
 * log.h - radiod's log lines: a level, a prefix, stderr.
 *
 * Every line reads "radiod: LEVEL: message" (debug lines only with -v).
 * Under systemd, when the descriptor is the journal's stream (the
 * JOURNAL_STREAM convention: its "device:inode" matches the descriptor's),
 * a line reads "<N>message" instead: journald takes the syslog priority N
 * (3 error, 4 warning, 6 info, 7 debug) from the prefix and records the
 * identifier itself.  A prefix rather than sd_journal_send(): the line is
 * still one write(2) on the one stream, in order with anything else written
 * to stderr (a sanitizer report, libjack), with no second connection to
 * the journal and no libsystemd in the modules that log.
 * The threshold lives in a struct log that main() owns and hands to the
 * modules that report events as they happen (the control server, the JACK
 * supervisor); errors that stop an operation are returned to the caller
 * instead, as a static string or a negative errno, and only main() decides
 * how to print them.
 *
 * Threads: the control thread, and JACK's notification thread and the
 * thread that joins JACK (daemon/connector.h) for diagnostics that libjack
 * itself prints.  Never the real-time thread: these
 * functions format text and write to a file descriptor.  A line is written
 * with one write(2), so lines from two threads do not interleave.
 */
#ifndef RADIOD_DAEMON_LOG_H
#define RADIOD_DAEMON_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

struct log {
	enum log_level threshold;	/* lines above it are dropped */
	int fd;				/* usually STDERR_FILENO */
	const char *ident;		/* "radiod" */
	bool journal;			/* fd is the journal's stream: "<N>" lines */
};

/* Also decides, once, whether fd is the journal's stream (see above). */
void log_init(struct log *lg, const char *ident, int fd, bool verbose);

/* True when a line at this level would be written (skip costly formatting). */
bool log_enabled(const struct log *lg, enum log_level level);

void log_msg(const struct log *lg, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(const struct log *lg, enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#define log_error(lg, ...) log_msg((lg), LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(lg, ...) log_msg((lg), LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(lg, ...) log_msg((lg), LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(lg, ...) log_msg((lg), LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif

/*
 * ctl.h - radioctl's insides: the context every command gets, the option
 * parser, number parsing with range checks, and the mapping from
 * libradioclient errors to exit codes.
 *
 * A command parses all of its arguments before it connects, so a usage
 * error never touches the socket. Commands never print errors: they write
 * one sentence into ctl->err and return an exit code; radioctl's main()
 * prints "radioctl: SENTENCE". Output goes to ctl->out (stdout, or a memory
 * stream in the tests). Single-threaded.
 */
#ifndef RADIOD_CLIENTS_CTL_H
#define RADIOD_CLIENTS_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "clients/radioclient.h"

/* Exit codes, also listed by `radioctl --help`. */
enum ctl_exit {
	CTL_OK = 0,
	CTL_REFUSED = 1,	/* radiod answered with an error Status */
	CTL_USAGE = 2,		/* bad command line */
	CTL_NO_CONNECT = 3,	/* cannot connect to the socket */
	CTL_TIMEOUT = 4,	/* no reply within --timeout */
	CTL_PROTOCOL = 5,	/* connection lost, or a reply that makes no sense */
	CTL_FAILURE = 6,	/* anything else (out of memory, cannot write output) */
	CTL_BAD_INPUT = 7,	/* an input file (a session, an audio file) cannot be read or
				 * is invalid */
};

#define CTL_DEFAULT_TIMEOUT_MS 5000

struct ctl {
	const char *socket;	/* --socket; NULL: $RADIOD_SOCKET, else the default */
	int timeout_ms;
	bool json;
	FILE *out;
	struct radioclient *rc;	/* connected by ctl_connect() */
	const char *command;	/* "eq band", for messages */
	char err[1024];
};

/* A context with the defaults, writing to out. */
void ctl_init(struct ctl *ctl, FILE *out);
/* Closes the connection. */
void ctl_fini(struct ctl *ctl);

/* Runs `radioctl ARGS...` (argv[0] is the program name). Returns the exit
 * code; on failure ctl->err says why. */
int ctl_main(struct ctl *ctl, int argc, char **argv);

/* Sets ctl->err and returns code. */
__attribute__((format(printf, 3, 4)))
int ctl_fail(struct ctl *ctl, int code, const char *fmt, ...);

/* Connects (once). Returns CTL_OK or an exit code with ctl->err set. */
int ctl_connect(struct ctl *ctl);

/* After a libradioclient call returned err < 0: copies its message into
 * ctl->err and returns the matching exit code. */
int ctl_client_error(struct ctl *ctl, int err);

/* Writes the JSON "{}" when --json is on: commands without a reply body
 * still print a JSON document. */
void ctl_json_empty(struct ctl *ctl);

/* ----------------------------------------------------------- option parsing */

struct ctl_option {
	const char *name;	/* "freq" for --freq */
	int id;			/* > 0, returned when the option is seen */
	bool has_arg;
};

enum {
	CTL_ARG_END = 0,	/* no more arguments */
	CTL_ARG_POSITIONAL = -1,
	CTL_ARG_HELP = -2,	/* -h or --help */
	CTL_ARG_ERROR = -3,	/* ctl->err says what */
};

struct ctl_args {
	int argc;
	char **argv;
	int next;
	bool positional_only;	/* after "--" */
};

/* The next argument of a command: an option of opts (its id, with *val set
 * when it takes one), a positional (*val), CTL_ARG_HELP, CTL_ARG_END or
 * CTL_ARG_ERROR. The global options (--socket, --timeout, --json) are taken
 * anywhere on the line. "--name=value" and "--name value" both work; an
 * option of opts with a one-letter name is also "-n value"; an argument that
 * reads as a negative number ("-6") is a positional. opts is terminated by
 * an entry with name NULL. */
int ctl_next_arg(struct ctl *ctl, struct ctl_args *a, const struct ctl_option *opts,
		 const char **val);

/* Number parsing: the whole string must be a number in [min, max]; else
 * ctl->err names the option and the value and CTL_USAGE is returned. */
int ctl_parse_double(struct ctl *ctl, const char *what, const char *s, double min, double max,
		     double *out);
/* A frequency: a number with an optional k suffix ("2.5k" = 2500). */
int ctl_parse_freq(struct ctl *ctl, const char *what, const char *s, double min, double max,
		   double *out);
int ctl_parse_long(struct ctl *ctl, const char *what, const char *s, long min, long max,
		   long *out);
/* on/off, yes/no, true/false, 1/0. */
int ctl_parse_onoff(struct ctl *ctl, const char *what, const char *s, bool *out);
/* A comma-separated list of 1-based channel numbers (1 .. 32) or "all"
 * (mask 0, the protocol's "every channel"). */
int ctl_parse_channels(struct ctl *ctl, const char *what, const char *s, uint32_t *mask);
/* A comma-separated list of frequencies, at most max of them. */
int ctl_parse_freq_list(struct ctl *ctl, const char *what, const char *s, double min,
			double maxval, double *vals, size_t max, size_t *n);
/* peaking, lowshelf, highshelf, lowpass, highpass, bandpass, notch, allpass
 * (case, '-' and '_' ignored: "low-shelf" works). */
int ctl_parse_band_type(struct ctl *ctl, const char *what, const char *s, Radio__BandType *out);
/* TYPE:FREQ:GAIN:Q[:on|off], the --band of `eq set`. */
int ctl_parse_band_spec(struct ctl *ctl, const char *what, const char *s, Radio__EqBand *band);

/* The names radioctl prints and parses. */
const char *ctl_band_type_name(Radio__BandType type);
const char *ctl_state_name(Radio__EngineState state);
const char *ctl_signal_name(Radio__SignalKind kind);

/* Legal ranges, as radio.proto states them. Frequencies are checked against
 * the highest rate radiod may run at; radiod checks against its own. */
#define CTL_FREQ_MIN 10.0
#define CTL_FREQ_MAX 96000.0
#define CTL_Q_MIN 0.1
#define CTL_Q_MAX 20.0
#define CTL_GAIN_MIN -24.0
#define CTL_GAIN_MAX 24.0
#define CTL_VOLUME_MIN -120.0
#define CTL_VOLUME_MAX 12.0
#define CTL_RAMP_MAX 10000.0
#define CTL_LEVEL_MIN -120.0
#define CTL_LEVEL_MAX 0.0
#define CTL_DURATION_MAX 1e6
#define CTL_MAX_BANDS 32
#define CTL_MAX_TONES 16
#define CTL_MAX_CHANNELS 32
#define CTL_TIMEOUT_MAX 3600000L

/* ------------------------------------------------------------- commands */

struct ctl_command {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char **argv);	/* argv[0] is the name */
	const char *synopsis;	/* one line: "eq band INDEX [--freq HZ] ..." */
	const char *summary;	/* one line */
};

/* Prints "usage: radioctl SYNOPSIS" and help text for a command. */
int ctl_help(struct ctl *ctl, const char *synopsis, const char *text);

/* CTL_USAGE for a positional argument the command does not take. */
int ctl_unexpected(struct ctl *ctl, const char *arg);

/* For a command that takes nothing but the global options: parses them.
 * Returns CTL_OK with *helped set when --help was printed, or an exit
 * code. */
int ctl_args_none(struct ctl *ctl, int argc, char **argv, const char *synopsis,
		  const char *help, bool *helped);

int cmd_info(struct ctl *ctl, int argc, char **argv);
int cmd_stats(struct ctl *ctl, int argc, char **argv);
/* `stats --prometheus` (cmd_prometheus.c): GetStats since radiod started,
 * printed as proto/metrics_text.h's exposition. */
int ctl_stats_prometheus(struct ctl *ctl);
int cmd_reset(struct ctl *ctl, int argc, char **argv);
/* The live views (cmd_live.c): spectrum (once, or live), meters, watch. */
int cmd_spectrum(struct ctl *ctl, int argc, char **argv);
int cmd_meters(struct ctl *ctl, int argc, char **argv);
int cmd_watch(struct ctl *ctl, int argc, char **argv);
/* measure thd|response|latency (cmd_measure.c). */
int cmd_measure(struct ctl *ctl, int argc, char **argv);
int cmd_eq(struct ctl *ctl, int argc, char **argv);
int cmd_volume(struct ctl *ctl, int argc, char **argv);
int cmd_mute(struct ctl *ctl, int argc, char **argv);
int cmd_inject(struct ctl *ctl, int argc, char **argv);
/* `inject file` (cmd_inject_file.c); argv[0] is "inject", "file" follows. */
int cmd_inject_file(struct ctl *ctl, int argc, char **argv);
int cmd_stop(struct ctl *ctl, int argc, char **argv);
int cmd_preset(struct ctl *ctl, int argc, char **argv);
int cmd_reload(struct ctl *ctl, int argc, char **argv);
int cmd_record(struct ctl *ctl, int argc, char **argv);
int cmd_compare(struct ctl *ctl, int argc, char **argv);
int cmd_plot(struct ctl *ctl, int argc, char **argv);

/* --------------------------------------------------------------- output */

/* Human renderings (ctl_print.c). */
void ctl_print_info(FILE *out, const Radio__Info *info);
void ctl_print_stats(FILE *out, const Radio__Stats *stats);
void ctl_print_eq(FILE *out, const Radio__Eq *eq);
void ctl_print_volume(FILE *out, const Radio__Volume *volume);
void ctl_print_spectrum(FILE *out, const Radio__Spectrum *spectrum);

/* JSON (ctl_json.c), built with jansson. A message follows protobuf's JSON
 * mapping, keeping the .proto field names: absent fields left out, enums as
 * their names, 64-bit integers as plain numbers, non-finite floats as
 * "NaN"/"Infinity"/"-Infinity". radioctl writes JSON compact, one document
 * and a newline, reals with 15 significant digits. */
/* The message as a jansson object, owned by the caller; NULL when out of
 * memory. */
json_t *ctl_json_from_message(const ProtobufCMessage *msg);
/* Writes the message as one document. Returns 0, -ENOMEM (nothing
 * written) or -EIO. */
int ctl_json_message(FILE *out, const ProtobufCMessage *msg);
/* Writes v (may be NULL: -ENOMEM) as one document. Returns as above. */
int ctl_json_print(FILE *out, const json_t *v);
/* Values as radioctl writes them; each NULL when out of memory. */
json_t *ctl_json_real(double v);	/* non-finite: "NaN", "Infinity", "-Infinity" */
json_t *ctl_json_u64(uint64_t v);	/* above INT64_MAX: a decimal string */
json_t *ctl_json_text(const char *s);	/* invalid UTF-8 becomes U+FFFD */
/* s as a JSON string, quotes included; invalid UTF-8 becomes U+FFFD. */
void ctl_json_string(FILE *out, const char *s);

#endif

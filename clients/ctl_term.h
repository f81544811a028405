/*
 * ctl_term.h - what radioctl's long-running commands share (live views,
 * inject file, measure): ending them with Ctrl-C without a signal handler
 * or a global flag, and redrawing a view in place on a terminal.
 *
 * Interrupts: SIGINT, SIGTERM and SIGHUP are held (blocked) while such a
 * command runs, and it looks for them between steps with
 * ctl_interrupt_wait(), which is also how it sleeps.  Releasing discards a
 * signal that came and was not taken, so the command ends the way it
 * reports (exit 0, the terminal restored), not killed by the signal.
 *
 * Screen: on a terminal, the first frame hides the cursor and clears the
 * screen, each frame is drawn from the top-left corner with every line
 * cleared to its end, and closing shows the cursor again below the last
 * frame.  Elsewhere (a pipe, a file) frames are plain lines, one after the
 * other, nothing else.
 *
 * Single-threaded, like the rest of radioctl.
 */
#ifndef RADIOD_CLIENTS_CTL_TERM_H
#define RADIOD_CLIENTS_CTL_TERM_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

struct ctl_interrupt {
	sigset_t held, old;
	bool on;
};

/* Holds SIGINT, SIGTERM and SIGHUP until ctl_interrupt_release(). */
void ctl_interrupt_hold(struct ctl_interrupt *in);
/* Waits up to ms milliseconds (0: only looks) for one of them; true when
 * one came (it is taken). */
bool ctl_interrupt_wait(struct ctl_interrupt *in, int ms);
/* Discards a held signal not taken yet and restores the signal mask.  A
 * no-op when not holding. */
void ctl_interrupt_release(struct ctl_interrupt *in);

struct ctl_screen {
	FILE *out;
	bool tty;	/* out is a terminal: redraw in place */
	bool drawn;	/* a frame is on the screen (the cursor is hidden) */
};

/* A screen on out; tty when out is a terminal. */
void ctl_screen_open(struct ctl_screen *s, FILE *out);
/* The terminal's size (24 x 80 when unknown or not a terminal). */
void ctl_screen_size(const struct ctl_screen *s, int *rows, int *cols);
/* Starts a frame. */
void ctl_screen_begin(struct ctl_screen *s);
/* One line of a frame (no newline in fmt). */
__attribute__((format(printf, 2, 3)))
void ctl_screen_line(struct ctl_screen *s, const char *fmt, ...);
/* Ends a frame: clears what an earlier, longer frame left, and flushes. */
void ctl_screen_end(struct ctl_screen *s);
/* Shows the cursor again (terminal).  A no-op otherwise. */
void ctl_screen_close(struct ctl_screen *s);

#endif

/*
 * stdout that cannot be written (SPEC §4.7). stdout carries only what the
 * guest prints, and graders read it through pipes: a reader that went away
 * ends the run as it ends any Unix filter, and any other failed write ends
 * it with one line on stderr. --stats still prints its table first.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include "exit_log.h"

/* Ends the run for a failed write to stdout with errno error; log, when
 * not NULL, prints its table first. */
_Noreturn void stdout_failed(int error, struct exit_log *log);

/* Sends what is left in stdout's buffer; ends the run if it cannot. */
void stdout_flush(struct exit_log *log);

#endif /* OUTPUT_H */

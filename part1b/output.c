#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

/*
 * Ends the run at the first failed write to stdout, after --stats (log,
 * when there is one) printed its table. A reader that closed the pipe
 * (EPIPE: main ignores SIGPIPE so that the table still prints) ends it the
 * way it ends every Unix filter, quietly, killed by SIGPIPE: status 141.
 * Any other error is one stderr line, status 1.
 */
_Noreturn void stdout_failed(int error, struct exit_log *log)
{
	if (log)
		exit_log_finish(log);
	if (error == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	warnx("cannot write to stdout: %s", strerror(error));
	_exit(1); /* not exit(): its flush of stdout would fail once more */
}

/* Sends what is left in stdout's buffer; stops the run if it cannot. */
void stdout_flush(struct exit_log *log)
{
	if (fflush(stdout) == EOF)
		stdout_failed(errno, log);
}

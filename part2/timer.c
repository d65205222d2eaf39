#include <err.h>
#include <time.h>

#include "time_ns.h"
#include "timer.h"

static struct timespec timespec_of(uint64_t ns)
{
	return (struct timespec){ .tv_sec = ns / NSEC_PER_SEC,
				  .tv_nsec = ns % NSEC_PER_SEC };
}

static void start(clockid_t clock, int signo, int flags,
		  const struct itimerspec *when)
{
	struct sigevent event = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = signo,
	};
	timer_t timer;

	if (timer_create(clock, &event, &timer) < 0)
		err(1, "timer_create");
	if (timer_settime(timer, flags, when, NULL) < 0)
		err(1, "timer_settime");
}

void timer_start(uint64_t period_ns)
{
	struct itimerspec every_period = {
		.it_interval = timespec_of(period_ns),
		.it_value = timespec_of(period_ns),
	};

	start(CLOCK_THREAD_CPUTIME_ID, TIMER_SIGNAL, 0, &every_period);
}

void deadline_start(uint64_t at_ns)
{
	struct itimerspec once = { .it_value = timespec_of(at_ns) };

	start(CLOCK_MONOTONIC, DEADLINE_SIGNAL, TIMER_ABSTIME, &once);
}

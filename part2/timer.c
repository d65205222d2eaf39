#include <err.h>
#include <string.h>
#include <time.h>

#include "time_ns.h"
#include "timer.h"

/*
 * Never runs: KVM blocks the signal again before KVM_RUN returns, and
 * sigtimedwait takes it without a handler. It exists so that the signal
 * is caught, neither ignored (an ignored signal is dropped as it is sent,
 * and KVM_RUN would never see it) nor fatal.
 */
static void on_timer_signal(int signo)
{
	(void)signo;
}

void timer_start(uint64_t period_ns)
{
	struct sigaction action = { .sa_handler = on_timer_signal };
	struct sigevent event = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = TIMER_SIGNAL,
	};
	struct timespec period = {
		.tv_sec = period_ns / NSEC_PER_SEC,
		.tv_nsec = period_ns % NSEC_PER_SEC,
	};
	struct itimerspec every_period = { .it_interval = period,
					   .it_value = period };
	timer_t timer;

	sigemptyset(&action.sa_mask);
	if (sigaction(TIMER_SIGNAL, &action, NULL) < 0)
		err(1, "sigaction");
	if (timer_create(CLOCK_MONOTONIC, &event, &timer) < 0)
		err(1, "timer_create");
	if (timer_settime(timer, 0, &every_period, NULL) < 0)
		err(1, "timer_settime");
}

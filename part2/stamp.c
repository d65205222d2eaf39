#include <time.h>

#include "stamp.h"
#include "time_ns.h"

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

void stamp_before(struct stamp *s)
{
	s->wall_ns = now_ns();
	s->cpu_ns = thread_cpu_ns();
}

void stamp_after(struct stamp *s)
{
	s->cpu_ns = thread_cpu_ns();
	s->wall_ns = now_ns();
}

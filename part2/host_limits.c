#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "host_limits.h"
#include "matrix_vm.h"

/* What the setup opens besides the VMs: /dev/kvm, the trace, an image. */
#define FDS_BESIDES_VMS 3
#define FDS_PER_VM 2
#define MAPS_BESIDES_VMS 64     /* what the libraries and the heap may add */
#define MAPS_PER_VM 2
/* Each VM's RAM and its kvm_run (a few pages); the rest of the process. */
#define BYTES_PER_VM (GUEST_RAM_SIZE + (64u << 10))
#define BYTES_BESIDES_VMS (256ull << 20)

/* How many lines or entries there are: the open descriptors in
 * /proc/self/fd, the mappings in /proc/self/maps. */
static unsigned long long count_fds(void)
{
	unsigned long long n = 0;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		return 3;       /* stdin, stdout, stderr */
	while (readdir(dir))
		n++;
	closedir(dir);
	return n > 3 ? n - 3 : 0;       /* ".", ".." and the DIR's own */
}

static unsigned long long count_maps(void)
{
	unsigned long long n = 0;
	FILE *maps = fopen("/proc/self/maps", "re");
	int c;

	if (!maps)
		return 0;
	while ((c = getc(maps)) != EOF)
		n += c == '\n';
	fclose(maps);
	return n;
}

/* Raises the soft limit to what is needed, up to the hard limit; false if
 * that is not enough. */
static bool raise_soft(int resource, unsigned long long need,
		       unsigned long long *hard)
{
	struct rlimit lim;

	if (getrlimit(resource, &lim) < 0)
		err(1, "getrlimit");
	*hard = lim.rlim_max;
	if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= need)
		return true;
	if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < need)
		return false;
	lim.rlim_cur = need;
	return setrlimit(resource, &lim) == 0;
}

static void check_files(unsigned nvm)
{
	unsigned long long need = count_fds() + FDS_BESIDES_VMS +
				  (unsigned long long)FDS_PER_VM * nvm;
	unsigned long long hard;

	if (!raise_soft(RLIMIT_NOFILE, need, &hard))
		errx(2, "%u VMs need %llu open files, over RLIMIT_NOFILE (%llu): "
		     "raise it (ulimit -Hn %llu as root, or nofile in "
		     "/etc/security/limits.conf), or run fewer VMs",
		     nvm, need, hard, need);
}

static void check_address_space(unsigned nvm)
{
	unsigned long long need = BYTES_BESIDES_VMS +
				  (unsigned long long)BYTES_PER_VM * nvm;
	unsigned long long hard;

	if (!raise_soft(RLIMIT_AS, need, &hard))
		errx(2, "%u VMs need %llu MiB of address space, over RLIMIT_AS "
		     "(%llu MiB): raise it (ulimit -v unlimited), or run "
		     "fewer VMs", nvm, need >> 20, hard >> 20);
}

static void check_mappings(unsigned nvm)
{
	unsigned long long need = count_maps() + MAPS_BESIDES_VMS +
				  (unsigned long long)MAPS_PER_VM * nvm;
	unsigned long long max = 0;
	FILE *sysctl = fopen("/proc/sys/vm/max_map_count", "re");

	if (!sysctl)
		return;         /* no /proc: nothing to compare with */
	if (fscanf(sysctl, "%llu", &max) != 1)
		max = need;
	fclose(sysctl);
	if (max < need)
		errx(2, "%u VMs need %llu memory mappings, over "
		     "vm.max_map_count (%llu): raise it (sysctl -w "
		     "vm.max_map_count=%llu as root), or run fewer VMs",
		     nvm, need, max, need);
}

void limits_check(unsigned nvm)
{
	check_files(nvm);
	check_address_space(nvm);
	check_mappings(nvm);
}

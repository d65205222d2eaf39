#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "coalesced.h"

uint32_t coalesced_entries(long page_size)
{
	size_t header = sizeof(struct kvm_coalesced_mmio_ring);

	if (page_size <= 0 || (size_t)page_size <= header)
		return 0;
	return (uint32_t)(((size_t)page_size - header) /
			  sizeof(struct kvm_coalesced_mmio));
}

/* An entry print8bit made: one byte written to the port, by `out`. */
static bool is_print8(const struct coalesced_ring *cr,
		      const struct kvm_coalesced_mmio *entry)
{
	return entry->pio == 1 && entry->phys_addr == cr->port &&
	       entry->len == 1;
}

enum coalesced_status coalesced_drain(struct coalesced_ring *cr, FILE *out)
{
	struct kvm_coalesced_mmio_ring *ring = cr->ring;
	uint32_t first, last, found = 0;

	if (!ring)
		return COALESCED_OK;
	/* KVM fills an entry before it moves last: read last first (acquire),
	 * the entry after; give the slot back (release) once it is read. */
	first = __atomic_load_n(&ring->first, __ATOMIC_RELAXED);
	last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	if (first >= cr->entries || last >= cr->entries)
		return COALESCED_BAD_INDEX;
	while (first != last) {
		const struct kvm_coalesced_mmio *entry = &ring->coalesced_mmio[first];

		if (is_print8(cr, entry)) {
			putc(entry->data[0], out);
			cr->bytes++;
		} else {
			cr->foreign++;
		}
		found++;
		first = (first + 1) % cr->entries;
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
	}
	if (found) {
		cr->drains++;
		if (found > cr->most)
			cr->most = found;
	}
	return COALESCED_OK;
}

/* The page of the ring in the vCPU mapping, as KVM_CAP_COALESCED_MMIO
 * gives it; 0 where this KVM has no coalesced PIO. */
static int coalesced_page_offset(int vm_fd)
{
	const char *off = getenv(COALESCED_OFF_ENV);

	if (off && *off)
		return 0;
#ifdef KVM_CAP_COALESCED_PIO
	if (ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO) <= 0)
		return 0;
	return ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);
#else
	(void)vm_fd;
	return 0;
#endif
}

bool coalesced_setup(struct coalesced_ring *cr, int vm_fd, void *run,
		     size_t run_size, uint16_t port, const char **why)
{
	long page_size = sysconf(_SC_PAGESIZE);
	int page = coalesced_page_offset(vm_fd);
	struct kvm_coalesced_mmio_zone zone = { .addr = port, .size = 1 };

	*cr = (struct coalesced_ring){ .port = port };
	if (page <= 0) {
		*why = "this KVM lacks KVM_CAP_COALESCED_PIO";
		return false;
	}
	if ((size_t)(page + 1) * (size_t)page_size > run_size) {
		*why = "the vCPU mapping has no page for the ring";
		return false;
	}
#ifdef KVM_CAP_COALESCED_PIO
	zone.pio = 1;
#endif
	if (ioctl(vm_fd, KVM_REGISTER_COALESCED_MMIO, &zone) < 0) {
		*why = "KVM_REGISTER_COALESCED_MMIO failed";
		return false;
	}
	cr->ring = (struct kvm_coalesced_mmio_ring *)
		   ((uint8_t *)run + (size_t)page * (size_t)page_size);
	cr->entries = coalesced_entries(page_size);
	return true;
}

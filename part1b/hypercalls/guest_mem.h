/*
 * The hypervisor's view of guest memory. Every access simple-kvm makes to
 * guest RAM on the guest's behalf goes through the checked accessors here:
 * a guest address and length are accepted only when the whole range lies in
 * guest RAM, with no integer overflow, and a guest virtual range is
 * translated page by page (virtually contiguous is not physically
 * contiguous).
 */
#ifndef GUEST_MEM_H
#define GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SIZE 4096u

/*
 * Hypercalls pass guest pointers as 32-bit values, so the guest virtual
 * address space they name ends at 4 GiB: a range that would cross it wraps.
 */
#define GVA_SPACE_END   (UINT64_C(1) << 32)

/* Guest virtual to guest physical in the vCPU's current mode. */
typedef bool (*translate_fn)(void *ctx, uint64_t gva, uint64_t *gpa);

struct guest_mem {
	uint8_t *ram;           /* host address of guest physical address 0 */
	uint64_t ram_size;      /* a whole number of guest pages */
	translate_fn translate;
	void *translate_ctx;
};

/* Why a guest range was refused; GM_OK when it was not. */
enum gm_status {
	GM_OK,
	GM_UNMAPPED,      /* a page of the range does not translate */
	GM_OUTSIDE_RAM,   /* a byte of the range is not in guest RAM */
	GM_WRAPS,         /* address + length overflows */
	GM_UNTERMINATED,  /* no NUL within the bound */
};

const char *gm_status_text(enum gm_status status);

/* Host pointer to guest physical [gpa, gpa + len), or NULL outside RAM. */
void *gpa_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

enum gm_status gva_read(const struct guest_mem *mem, uint32_t gva,
			void *buf, size_t len);
enum gm_status gva_write(const struct guest_mem *mem, uint32_t gva,
			 const void *buf, size_t len);

/*
 * The same for an address as a debugger names it (64 bits wide): refused
 * unless the whole range lies below GVA_SPACE_END.
 */
enum gm_status gva_read_wide(const struct guest_mem *mem, uint64_t gva,
			     void *buf, size_t len);
enum gm_status gva_write_wide(const struct guest_mem *mem, uint64_t gva,
			      const void *buf, size_t len);

/*
 * Copies the NUL-terminated string at gva into buf (of size max) without
 * its NUL, and sets *len. The string must end within max bytes.
 */
enum gm_status gva_read_str(const struct guest_mem *mem, uint32_t gva,
			    char *buf, size_t max, size_t *len);

/* The guest physical address gva maps to, which must lie in guest RAM. */
enum gm_status gva_to_gpa(const struct guest_mem *mem, uint32_t gva,
			  uint64_t *gpa);

#endif /* GUEST_MEM_H */

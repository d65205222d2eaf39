/*
 * What the host allows, checked before any VM exists: a VM costs two file
 * descriptors (VM and vCPU), two memory mappings (its RAM and its kvm_run)
 * and 1 MiB of address space. Past a limit, one line names it and how to
 * raise it, and the program exits with status 2 (SPEC §4.6).
 */
#ifndef HOST_LIMITS_H
#define HOST_LIMITS_H

/* Raises the soft RLIMIT_NOFILE and RLIMIT_AS towards their hard limits
 * as far as nvm VMs need, or exits. */
void limits_check(unsigned nvm);

#endif

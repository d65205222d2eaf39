# Top level: builds both parts, runs every test, the benchmarks, the document.
#   make            build part1b and part2
#   make test       build, then run every test (ends with "N passed, N failed")
#   make bench      run the benchmarks (not tests: they print ratios)
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS (default 60)
#   make plot       draw a matrix schedule from a --trace CSV (bench/README.md)
#   make part1a.pdf rebuild the document from docs/part1a/
#   make clean      leave only tracked files
#   make WERROR=1   any of these with warnings as errors (CI, developers)
#
# Where it must work (README.md, "Where it runs"); each ends with the same
# "N passed, N failed, N skipped" line:
#   make check-headers  every host C file against Linux 5.4's and Debian 11's
#                       (5.10) KVM headers (`make test` runs it too)
#   make test-debian11  the README's commands in a Debian 11 root, then the
#                       KVM tests of that build under svm-host
#   make test-amd       the KVM tests under kvm_amd (svm-host, QEMU TCG)
#   make test-intel     every simple-kvm mode and hostile guest under
#                       kvm_intel on Nehalem and Haswell (vmx-host, Bochs)
# TOOLS is where the emulated-host tools svm-host, vmx-host and debian-root
# are (not part of this repository; only these targets need them).

PARTS := part1b part2
TOOLS ?= ../shared/tools
export TOOLS

.PHONY: all test bench fuzz plot clean part1a.pdf $(PARTS) test-programs \
        check-headers check-headers-5.4 check-headers-5.10 \
        test-debian11 test-debian11-kvm test-amd test-intel

all: $(PARTS)

$(PARTS):
	$(MAKE) -C $@

test-programs: all
	$(MAKE) -C part1b test-programs
	$(MAKE) -C part2 test-programs

test: test-programs
	tests/run

check-headers: check-headers-5.4 check-headers-5.10

check-headers-5.4:
	tests/headers/check -isystem tests/headers/5.4

check-headers-5.10:
	d=$$(tests/headers/debian11) && tests/headers/check \
	    -isystem $$d/usr/include -isystem $$d/usr/include/x86_64-linux-gnu

# test-debian11: the Debian 11 root's own steps; test-debian11-kvm: those,
# then that build under kvm_amd (svm-host chrooting into the root), as CI
# runs it.
test-debian11:
	tests/emulated/debian11 --no-kvm

test-debian11-kvm:
	tests/emulated/debian11

test-amd: test-programs
	tests/emulated/amd

test-intel: test-programs
	tests/emulated/intel

bench: all
	$(MAKE) -C bench

plot:
	$(MAKE) -C bench plot

fuzz:
	$(MAKE) -C part1b/fuzz run

part1a.pdf:
	$(MAKE) -C docs/part1a

clean:
	for p in $(PARTS) part1b/fuzz part1b/unit bench docs/part1a; do \
		[ ! -f $$p/Makefile ] || $(MAKE) -C $$p clean; \
	done

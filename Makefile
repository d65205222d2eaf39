# Top level: builds both parts, runs every test, the benchmarks, the document.
#   make            build part1b and part2
#   make test       build, then run every test (ends with "N passed, N failed")
#   make bench      run the benchmarks (not tests: they print ratios)
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS (default 60)
#   make plot       draw a matrix schedule from a --trace CSV (bench/README.md)
#   make part1a.pdf rebuild the document from docs/part1a/
#   make clean      leave only tracked files

PARTS := part1b part2

.PHONY: all test bench fuzz plot clean part1a.pdf $(PARTS)

all: $(PARTS)

$(PARTS):
	$(MAKE) -C $@

test: all
	$(MAKE) -C part1b test-programs
	$(MAKE) -C part2 test-programs
	tests/run

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

# Top level: builds both parts, runs every test, the benchmarks, the document.
#   make            build part1b and part2
#   make test       build, then run every test (ends with "N passed, N failed")
#   make bench      run the benchmarks (not tests: they print ratios)
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS (default 60)
#   make plot       draw a matrix schedule from a --trace CSV
#   make part1a.pdf rebuild the document from docs/part1a/
#   make clean      leave only tracked files

PARTS := part1b part2

.PHONY: all test bench fuzz plot clean $(PARTS)

all: $(PARTS)

$(PARTS):
	$(MAKE) -C $@

test: all
	$(MAKE) -C part1b test-programs
	$(MAKE) -C part2 test-programs
	tests/run

clean:
	for p in $(PARTS); do $(MAKE) -C $$p clean; done

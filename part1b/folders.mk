# The folders of simple-kvm's modules, one concern each (README.md,
# "Reading order"). part1b/Makefile, unit/Makefile and fuzz/Makefile
# include this file, after setting PART1B to part1b's path from their own
# folder, and search PART1B_DIRS for sources (vpath) and headers (-I), so
# that a file names another by its bare name wherever either lives.
PART1B_FOLDERS := hypercalls loader report probes gdb
PART1B_DIRS := $(PART1B) $(addprefix $(PART1B)/,$(PART1B_FOLDERS))

# Build settings shared by every part. Included by part1b/Makefile and
# part2/Makefile; each part still builds alone with `make -C partN`.
#
#   make CC=clang        build with clang instead of gcc
#   make SAN=1           build the host programs with ASan and UBSan
#   make WERROR=1        turn every warning into an error (CI and developers:
#                        .ci/run sets it). Not the default: a user's `make`
#                        must not fail on the next compiler's new warning.
#
# Guest code never gets the host flags: it runs inside the VM, not on the
# host. It gets only $(WERROR_FLAGS), from the Makefile that builds it.

CC       ?= cc
WERROR_FLAGS := $(if $(filter 1,$(WERROR)),-Werror)
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra $(WERROR_FLAGS) -D_GNU_SOURCE \
               $(CFLAGS)
HOST_LDFLAGS := -Wl,-z,noexecstack $(LDFLAGS)

ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
HOST_CFLAGS  += $(SAN_FLAGS)
HOST_LDFLAGS += $(SAN_FLAGS)
endif

# A build with other flags must not reuse objects of the previous one.
BUILD_STAMP := .build-flags
BUILD_FLAGS := $(CC) $(HOST_CFLAGS) $(HOST_LDFLAGS)
ifneq ($(BUILD_FLAGS),$(shell cat $(BUILD_STAMP) 2>/dev/null))
$(shell echo '$(BUILD_FLAGS)' > $(BUILD_STAMP))
endif

# The stamp is written while make reads the makefiles; this empty rule keeps
# make from taking it for missing and falling back to its built-in %.o rule.
$(BUILD_STAMP): ;

# Rules above must not become the including Makefile's default goal.
.DEFAULT_GOAL := all

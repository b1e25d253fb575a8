# SPDX-License-Identifier: GPL-2.0
#
# ltcp: build the modules, the selftests and ltcpize; run the checks and the
# test VM. The two commands users need:
#
#   make check   install what is missing, build, run the static checks and
#                every selftest in the VM; ends with "N passed, N failed"
#   make demo    install what is missing, build, boot the VM and run iperf3
#                between two network namespaces with an ltcp_ CC selected
#
# KDIR is the kernel build tree; by default the headers of the newest Debian
# 6.1 kernel whose image is installed too (scripts/kver).

KDIR ?= $(shell scripts/kver --kdir 2>/dev/null)
KSRC = $(shell scripts/ksrc)

.PHONY: all modules userspace selftests ltcpize knet clean distclean deps check \
	demo vm static

all: modules userspace

modules:
	@test -n "$(KDIR)" || { echo "make: no Debian 6.1 kernel headers found; run 'make deps' (or pass KDIR=)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: selftests ltcpize knet

selftests:
	$(MAKE) -C selftests KSFT_DIR=$(KSRC)/tools/testing/selftests

ltcpize:
	$(MAKE) -C scripts/ltcpize

# The kernel's own net selftests, built in .build/knet (scripts/knet).
knet:
	scripts/knet build

deps:
	scripts/deps

static:
	scripts/check --static-only

check:
	scripts/check

demo:
	scripts/demo

# make bench: one VM boot, each workload on the kernel's TCP and on ltcp,
# medians and ltcp/kernel ratios in bench/results/latest.{txt,json}
.PHONY: bench
bench:
	scripts/bench

# make bench-recovery: loss recovery under netem (1% and 5% loss, 25%
# reordering; cubic and bbr) and short flows losing their last two
# segments, the same way, in bench/recovery/
RECOVERY_WORKLOADS := rec_loss1_cubic rec_loss5_cubic rec_reord_cubic \
	rec_loss1_bbr rec_loss5_bbr rec_reord_bbr rec_tail_cubic rec_tail_bbr
.PHONY: bench-recovery
bench-recovery:
	BENCH_ONLY="$(RECOVERY_WORKLOADS)" scripts/bench --out bench/recovery

# make cc-eval: one VM boot, cubic/bbr/dctcp against ltcp_cubic/ltcp_bbr/
# ltcp_dctcp through a shaped bottleneck, on the kernel's TCP and on ltcp;
# tables and plots in cc-eval/results/ (Documentation/cc.rst, Evaluation)
.PHONY: cc-eval
cc-eval:
	scripts/cc-eval

# make vm CMD='modprobe ltcp && ls /proc/sys/net/ltcp'
vm: all
	scripts/vm $(if $(CMD),'$(CMD)',bash /ltcp/selftests/run_tests.sh)

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/harness clean; fi
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C selftests clean
	$(MAKE) -C scripts/ltcpize clean

distclean: clean
	rm -rf .build "$${LTCP_VM_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/ltcp-vm}"

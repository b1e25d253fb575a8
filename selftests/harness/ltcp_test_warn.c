// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_test_warn: a module that only exists to make the kernel warn, so
 * that scripts/test-harness can show the test VM failing a run on a kernel
 * warning. It refuses to stay loaded.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init ltcp_test_warn_init(void)
{
	WARN(1, "ltcp_test_warn: deliberate warning for the harness test\n");
	return -EAGAIN;
}

module_init(ltcp_test_warn_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ltcp harness test: emits one kernel warning on load");

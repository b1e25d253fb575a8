/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded unsigned module parameters for the congestion-control modules:
 * a write outside [min, max] is refused with EINVAL, so a running
 * algorithm never sees a value it was not written for. Each module includes
 * this once and gets its own copy of the ops.
 */
#ifndef _LTCP_CC_PARAM_H
#define _LTCP_CC_PARAM_H

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

/**
 * struct ltcp_cc_uint_param - a parameter and its allowed range
 * @val: the variable
 * @min: smallest value accepted
 * @max: largest value accepted
 */
struct ltcp_cc_uint_param {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
};

static int ltcp_cc_param_set(const char *buf, const struct kernel_param *kp)
{
	const struct ltcp_cc_uint_param *p = kp->arg;
	unsigned int v;
	int ret;

	ret = kstrtouint(buf, 0, &v);
	if (ret)
		return ret;
	if (v < p->min || v > p->max)
		return -EINVAL;
	WRITE_ONCE(*p->val, v);
	return 0;
}

static int ltcp_cc_param_get(char *buf, const struct kernel_param *kp)
{
	const struct ltcp_cc_uint_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*p->val));
}

static const struct kernel_param_ops ltcp_cc_uint_ops = {
	.set = ltcp_cc_param_set,
	.get = ltcp_cc_param_get,
};

#endif /* _LTCP_CC_PARAM_H */

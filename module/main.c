// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: module init and exit. Everything else lives in the file of its
 * concern; this one only orders the pieces and unwinds them in reverse.
 */
#include <linux/module.h>
#include <linux/net.h>

#include "ltcp.h"

/*
 * socket(AF_INET{,6}, SOCK_STREAM, IPPROTO_LTCP) loads the module. The type
 * is spelled as a number: SOCK_STREAM is an enum and would be stringified by
 * name, and inet_create() asks for "net-pf-2-proto-253-type-1".
 */
#define LTCP_ALIAS_SOCK_STREAM 1

static int __init ltcp_mod_init(void)
{
	int err;

	BUILD_BUG_ON(LTCP_ALIAS_SOCK_STREAM != SOCK_STREAM);
	/* Per-netns state first: a socket may be created as soon as the
	 * protocol is registered, and it reads its namespace's settings.
	 */
	err = ltcp_sysctl_init();
	if (err)
		goto err_sysctl;

	err = ltcp_af_init();
	if (err)
		goto err_af;

	pr_info("version %s loaded (IPPROTO_LTCP %d)\n", LTCP_VERSION,
		IPPROTO_LTCP);
	return 0;

err_af:
	ltcp_sysctl_exit();
err_sysctl:
	return err;
}

static void __exit ltcp_mod_exit(void)
{
	ltcp_af_exit();
	ltcp_sysctl_exit();
	pr_info("version %s unloaded\n", LTCP_VERSION);
}

module_init(ltcp_mod_init);
module_exit(ltcp_mod_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("ltcp developers");
MODULE_DESCRIPTION("ltcp: a TCP implementation of its own, selected with IPPROTO_LTCP");
MODULE_VERSION(LTCP_VERSION);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, IPPROTO_LTCP, LTCP_ALIAS_SOCK_STREAM);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET6, IPPROTO_LTCP, LTCP_ALIAS_SOCK_STREAM);

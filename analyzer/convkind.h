/*
 * convkind.h — is a conversation a group or a one-to-one (private) chat?
 *
 * The group-management policy governs groups only; a private chat that
 * reaches the exports (PyWxDump of a wxid_ talker, DingTalk 单聊, a WeCom
 * archive message with an empty roomid) must not be audited as a group.
 * The decision takes the strongest evidence there is, in this order:
 *
 *   1. registered in groups.csv                          → group
 *   2. the export says group (CA_EV_GROUP on an event: WeChat …@chatroom,
 *      DingTalk conversationType "2", a dws --group export or a "group"
 *      conversation, a WeCom roomid or group-chat API), or the id has a
 *      group's shape (…@chatroom)                         → group
 *   3. the export says one-to-one (CA_EV_PRIVATE: a WeChat talker id that
 *      is not a chatroom, DingTalk conversationType "1", a _o2o event or a
 *      "single" conversation, a WeCom archive message without roomid), or
 *      the id has a one-to-one shape (wxid_…, gh_…, …@openim, DingTalk
 *      "uid:uid")                                         → private
 *   4. a group system event: join, leave, remove, rename, create, owner
 *                                                        → group
 *   5. more than two distinct message senders             → group
 *   6. otherwise (a conversation named only by its name, two people or
 *      fewer, no group events, not registered)            → private
 *
 * The platform's word (2, 3) outranks what is inferred from the messages
 * (4, 5): sender columns are the least reliable part of an export (the
 * real PyWxDump 1:1 sample shows the exporting account both as is_sender 1
 * and as a plain talker; anonymised exports put labels there).  Group
 * evidence of the export wins over private evidence of another file (the
 * conversation is then audited).  Participants are the senders of
 * messages; the exporting account counts once, however it is named, and
 * so does any id it also writes under without the from-self flag.  A
 * quoted sender, a mention or a person inside a merged record is not a
 * participant, so a 1:1 that quotes a third person stays private.
 */
#ifndef CA_CONVKIND_H
#define CA_CONVKIND_H

#include "config.h"
#include "event.h"

/*
 * What an id's shape alone says of the conversation: CA_EV_GROUP,
 * CA_EV_PRIVATE or 0 (nothing).  is_id: the caller knows id is the
 * platform's conversation id (a WeChat StrTalker, not a name taken from a
 * file), so that any WeChat id that is not a chatroom is a one-to-one
 * chat (a custom WeChat id such as "test_person"); without it only the
 * unmistakable shapes count.  platform and id may be NULL (0).
 */
uint32_t ca_conv_id_hint(const char *platform, const char *id, int is_id);

/*
 * Decides whether the conversation (platform, id, its groups.csv row reg
 * or NULL, its n events) is a private chat, by the order above.  Returns
 * 1 for private, 0 for a group; *why (when why is not NULL) is set to a
 * static sentence naming the deciding evidence.
 */
int ca_conv_is_private(const char *platform, const char *id, const ca_group_reg *reg,
                       const ca_event *const *events, size_t n, const char **why);

#endif

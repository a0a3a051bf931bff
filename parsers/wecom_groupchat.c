/*
 * wecom_groupchat.c — WeCom group information (dingtalk-wecom.md §2.5):
 *   - msgaudit/groupchat/get (internal groups): {roomname, creator,
 *     room_create_time (s), notice, members:[{memberid, jointime (s)}]};
 *   - externalcontact/groupchat/get (customer groups): {group_chat:
 *     {chat_id, name, owner, create_time, notice, member_list:[{userid,
 *     type, join_time, join_scene, invitor{userid}, group_nickname,
 *     name}], admin_list:[{userid}]}};
 * one response per file, or a JSON array of them.  The group id is the
 * roomid / chat_id field where present (exporters add "roomid" to the
 * msgaudit response), else the file's base name ("<roomid>.json").
 * A snapshot becomes events:
 *   - create at the create time, actor = the creator (msgaudit) or the
 *     owner (customer groups name no creator);
 *   - owner at the create time, target = the owner (msgaudit: the
 *     creator, who owns a group at its creation).  The snapshot does not
 *     say when a later owner took over, so the create time is the only
 *     time it supports;
 *   - join per member at its join time, actor = the invitor when given,
 *     text = how they joined (join_scene);
 *   - the admins (admin_list), when there are any: one notice at the
 *     create time naming them (targets), as the file does not say when
 *     they became admins.
 * Records: the group itself, then one per member.  The "line" of an event
 * is its record number.
 */
#include <string.h>
#include "../analyzer/buf.h"
#include "common.h"
#include "dtwc.h"

typedef struct gc_ctx {
    const char *file_conv;
    long recno;
} gc_ctx;

static int gc_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    if (dt_has_key(head, "group_chat"))
        return 100;
    if (dt_has_key(head, "chat_id") && dt_has_key(head, "member_list"))
        return 100;
    if (dt_has_key(head, "roomname") &&
        (dt_has_key(head, "members") || dt_has_key(head, "room_create_time")))
        return 100;
    return 0;
}

static long next_rec(gc_ctx *c, ca_sink *s)
{
    ca_sink_record(s);
    return ++c->recno;
}

static const char **one(ca_sink *s, const char *v)
{
    const char **r = dt_strv(s, 1);
    if (r)
        r[0] = v;
    return r;
}

static ca_status admins(ca_sink *s, long line, json_object *list, ca_event *base)
{
    size_t n = list && json_object_is_type(list, json_type_array) ? json_object_array_length(list)
                                                                   : 0;
    if (!n)
        return CA_OK;
    const char **ids = dt_strv(s, n);
    if (!ids)
        return CA_FATAL;
    ca_buf b = CA_BUF_INIT;
    ca_buf_puts(&b, "导出时的群管理员：");
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *a = json_object_array_get_idx(list, i);
        const char *id = json_object_is_type(a, json_type_object) ? pj_istr(s, line, a, "userid")
                                                                  : dt_value_istr(s, line, a);
        if (!id)
            continue;
        if (k)
            ca_buf_puts(&b, "、");
        ca_buf_puts(&b, id);
        ids[k++] = id;
    }
    ca_event ev = *base;
    ev.kind = CA_KIND_NOTICE;
    ev.targets = ids;
    ev.n_targets = k;
    ev.text = b.oom ? NULL : ca_sink_str(s, b.data, b.len);
    ca_buf_free(&b);
    if (!k)
        return CA_OK;
    return ca_sink_emit(s, &ev);
}

/* join_scene of customer groups (doc 92122 / 96338). */
static const char *scene_text(int64_t scene)
{
    switch (scene) {
    case 1: return "由群成员邀请入群（直接邀请入群）";
    case 2: return "由群成员邀请入群（通过邀请链接入群）";
    case 3: return "通过扫描群二维码入群";
    default: return NULL;
    }
}

static ca_status member(gc_ctx *c, ca_sink *s, json_object *m, const ca_event *base)
{
    static const char *const k_id[] = {"userid", "memberid", "member_id", NULL};
    static const char *const k_name[] = {"name", "group_nickname", NULL};
    static const char *const k_time[] = {"join_time", "jointime", NULL};
    char shown[64];
    long line = next_rec(c, s);
    if (!json_object_is_type(m, json_type_object)) {
        ca_sink_error(s, line, "expected a member object, found %s; member skipped",
                      dt_show(m, shown));
        return CA_FAILED;
    }
    const char *id = dt_istr(s, line, m, k_id);
    if (!id) {
        ca_sink_error(s, line, "expected a member id (userid or memberid), found %s; "
                      "member skipped", dt_show(m, shown));
        return CA_FAILED;
    }
    ca_event ev = *base;
    ev.src_line = line;
    ev.kind = CA_KIND_JOIN;
    if (dt_time(s, m, k_time, &ev.time_ms) != 0) {
        ca_sink_error(s, line, "member %.60s: expected a join time (join_time or jointime, "
                      "epoch seconds), found %s; member skipped",
                      id, dt_show(dt_get(m, k_time), shown));
        return CA_FAILED;
    }
    const char *name = dt_istr(s, line, m, k_name);
    ev.targets = one(s, id);
    ev.target_names = name ? one(s, name) : NULL;
    ev.n_targets = 1;
    if (!ev.targets || (name && !ev.target_names))
        return CA_FATAL;
    ev.actor = pj_istr(s, line, m, "invitor.userid");
    ev.sender = ev.actor ? ev.actor : id;
    ev.sender_name = ev.actor ? NULL : name;
    ev.text = scene_text(pj_int(m, "join_scene", 0));
    return ca_sink_emit(s, &ev);
}

static ca_status group(gc_ctx *c, ca_sink *s, json_object *resp)
{
    char shown[64];
    long line = next_rec(c, s);
    if (!json_object_is_type(resp, json_type_object)) {
        ca_sink_error(s, line, "expected a group-info response (a JSON object), found %s; "
                      "skipped", dt_show(resp, shown));
        return CA_FAILED;
    }
    int64_t err = pj_int(resp, "errcode", 0);
    json_object *g = pj_get(resp, "group_chat");
    int external = g != NULL || pj_get(resp, "member_list") != NULL;
    if (!g)
        g = resp;
    json_object *list = pj_get(g, external ? "member_list" : "members");
    if (err != 0 || !list || !json_object_is_type(list, json_type_array)) {
        static const char *const k_msg[] = {"errmsg", NULL};
        const char *msg = dt_str(s, line, resp, k_msg);
        if (err != 0)
            ca_sink_error(s, line, "the API answered errcode %lld (%.80s): no group data; "
                          "skipped", (long long)err, msg ? msg : "");
        else
            ca_sink_error(s, line, "expected a member list (members or member_list), found %s; "
                          "group skipped", dt_show(list, shown));
        return CA_FAILED;
    }
    static const char *const k_id[] = {"chat_id", "roomid", "room_id", NULL};
    static const char *const k_name[] = {"name", "roomname", NULL};
    static const char *const k_ctime[] = {"create_time", "room_create_time", NULL};
    ca_event base = {0};
    base.src_line = line;
    base.conv = dt_istr(s, line, g, k_id);
    if (!base.conv)
        base.conv = dt_istr(s, line, resp, k_id);
    if (!base.conv)
        base.conv = c->file_conv;
    base.conv_name = dt_istr(s, line, g, k_name);
    base.flags |= CA_EV_GROUP; /* the group-chat APIs describe groups only */
    const char *creator = pj_istr(s, line, g, "creator");
    const char *owner = pj_istr(s, line, g, "owner");
    if (!owner)
        owner = creator;
    if (dt_time(s, g, k_ctime, &base.time_ms) == 0) {
        ca_event ev = base;
        ev.kind = CA_KIND_CREATE;
        ev.actor = ev.sender = creator ? creator : owner;
        if (ca_sink_emit(s, &ev) != CA_OK)
            return CA_FATAL;
        if (owner) {
            ev = base;
            ev.kind = CA_KIND_OWNER;
            ev.sender = owner;
            ev.targets = one(s, owner);
            ev.n_targets = 1;
            if (!ev.targets || ca_sink_emit(s, &ev) != CA_OK)
                return CA_FATAL;
        }
        if (admins(s, line, pj_get(g, "admin_list"), &base) != CA_OK)
            return CA_FATAL;
    } else {
        ca_sink_warn(s, line, "expected a create time (create_time or room_create_time), "
                     "found %s; no create or owner event",
                     dt_show(dt_get(g, k_ctime), shown));
    }
    size_t n = json_object_array_length(list);
    for (size_t i = 0; i < n; i++)
        if (member(c, s, json_object_array_get_idx(list, i), &base) == CA_FATAL)
            return CA_FATAL;
    return CA_OK;
}

static ca_status gc_parse(const ca_entry *e, ca_sink *s)
{
    gc_ctx c = {0};
    c.file_conv = pc_conv_from_path(s, e, NULL);
    json_object *root;
    if (pj_parse_doc(e, s, &root) != CA_OK)
        return CA_FATAL;
    ca_status st = CA_OK;
    if (json_object_is_type(root, json_type_array)) {
        size_t n = json_object_array_length(root);
        for (size_t i = 0; i < n && st != CA_FATAL; i++)
            st = group(&c, s, json_object_array_get_idx(root, i));
    } else {
        st = group(&c, s, root);
    }
    json_object_put(root);
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

const ca_format ca_format_wecom_groupchat = {
    "wecom-groupchat", "wecom",
    "WeCom group info (msgaudit/groupchat/get, externalcontact/groupchat/get): create, owner, "
    "joins",
    gc_bid, gc_parse};

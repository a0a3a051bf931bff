/*
 * dingtalk_events.c — DingTalk event files (dingtalk-wecom.md §1.3, §1.4):
 * NDJSON (or one JSON event, or a JSON array of events) of
 *   - `dws event` personal IM events, raw {eventId, eventKey, occurredAtMs,
 *     payload:{body, event_time}} (payload and body may be JSON strings)
 *     and flattened (`--flatten`: {type, event_id, timestamp, snake_case
 *     fields}), with the transport form {data:"<event JSON>"} unwrapped;
 *   - the legacy group-event callbacks {EventType: chat_add_member ...,
 *     ChatId, Operator, UserId[], Title, Owner, TimeStamp}, bare or in a
 *     Stream frame {headers:{eventType, eventBornTime}, data};
 *   - robot-received messages (Stream topic /v1.0/im/bot/messages/get, or
 *     the bare HTTP callback body {msgId, msgtype, createAt, ...}).
 * Mapping: message receive → message; recall → recall (reply_to = the
 * recalled message); member added → join; member exited → leave when the
 * members left by themselves (no operator, or the operator is the member),
 * else remove by the operator; group updated with a title → rename, else
 * notice; disband → notice; chat_update_owner → owner.
 *
 * Read receipts and emoji reactions (user_im_message_read_*,
 * user_im_message_reaction_*) are counted as records and produce no event:
 * they are neither messages nor membership changes, and no audit rule uses
 * them — a reaction does not answer a question (SPEC §6.2 counts replies),
 * and who read what is not part of the audit.  Events of other products
 * (approvals, todos, calls, cards, contacts) are skipped the same way; an
 * unknown user_im_* or chat_* event is reported.
 */
#include <string.h>
#include "common.h"
#include "dtwc.h"
#include "wechat.h"

typedef struct evt_ctx {
    const char *file_conv;
    long recno;
} evt_ctx;

/* One event, whatever its wrapping. */
typedef struct evt {
    const char *key;      /* eventKey / type / EventType / robot */
    json_object *body;    /* the fields */
    int64_t fallback_ms;  /* event_time / occurredAtMs / eventBornTime, or 0 */
    const char *time_what; /* the time field named in errors ("a TimeStamp") */
    int robot;
} evt;

static const char *const K_CONV[] = {"openConversationId", "conversation_id", "conversationId",
                                     "ChatId", "chatId", "chat_id", NULL};
static const char *const K_OPER_ID[] = {"operOpenDingtalkId", "operOpenDingTalkId",
                                        "operator_open_dingtalk_id", "Operator",
                                        "operatorUserId", "operatorStaffId", NULL};
static const char *const K_OPER_NAME[] = {"operNick", "operator", NULL};
static const char *const K_MEMBERS[] = {"members", "UserId", "UserIds", "userIds", "userId",
                                        NULL};
static const char *const K_WHO_ID[] = {"openDingTalkId", "open_dingtalk_id", "openDingtalkId",
                                       "userId", "staffId", "uid", NULL};
static const char *const K_WHO_NAME[] = {"nick", "name", NULL};

static int evt_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    if (dt_has_kv(head, "eventKey", "user_") || dt_has_kv(head, "type", "user_im_") ||
        dt_has_kv(head, "EventType", "chat_") || dt_has_kv(head, "eventType", "chat_") ||
        dt_has_kv(head, "topic", "/v1.0/im/bot/messages/get"))
        return 100;
    if (dt_has_key(head, "msgId") && dt_has_key(head, "msgtype") &&
        (dt_has_key(head, "createAt") || dt_has_key(head, "conversationId")))
        return 95;
    if (dt_has_key(head, "eventKey") && dt_has_key(head, "occurredAtMs"))
        return 80;
    return 0;
}

static long rec_line(evt_ctx *c, ca_sink *s, long line)
{
    if (line > 0)
        return line;
    ca_sink_record(s);
    return ++c->recno;
}

static int64_t ms_of(ca_sink *s, json_object *o, const char *const *keys)
{
    int64_t ms;
    return dt_time(s, o, keys, &ms) == 0 ? ms : 0;
}

/* Someone named by an id field and a name field (either may be absent). */
static void person(ca_sink *s, long line, json_object *o, const char *const *kid,
                   const char *const *kname, const char **id, const char **name)
{
    *id = dt_istr(s, line, o, kid);
    *name = NULL;
    for (const char *const *k = kname; *k; k++) {
        json_object *v = pj_get(o, *k);
        if (v && json_object_is_type(v, json_type_object)) {
            /* group_updated: "operator": {"uid": ...} */
            if (!*id)
                *id = dt_istr(s, line, v, K_WHO_ID);
            if (!*name)
                *name = dt_istr(s, line, v, K_WHO_NAME);
        } else if (!*name && v) {
            const char *one[2] = {*k, NULL};
            *name = dt_istr(s, line, o, one);
        }
    }
}

/* Members of a member event: objects {nick, openDingTalkId} or plain ids. */
static uint32_t members(ca_sink *s, long line, json_object *body, const char ***ids,
                        const char ***names)
{
    *ids = *names = NULL;
    json_object *list = dt_get(body, K_MEMBERS);
    if (!list)
        return 0;
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 1;
    if (n > 100000)
        n = 100000;
    *ids = dt_strv(s, n);
    *names = dt_strv(s, n);
    if (!*ids || !*names)
        return 0;
    uint32_t k = 0;
    int any_name = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_is_type(list, json_type_array)
                             ? json_object_array_get_idx(list, i)
                             : list;
        const char *id = NULL, *name = NULL;
        if (json_object_is_type(m, json_type_object)) {
            id = dt_istr(s, line, m, K_WHO_ID);
            name = dt_istr(s, line, m, K_WHO_NAME);
        } else {
            id = dt_value_istr(s, line, m);
        }
        if (!id && !name)
            continue;
        (*ids)[k] = id ? id : name;
        (*names)[k] = name ? name : id;
        any_name |= name != NULL;
        k++;
    }
    if (!any_name)
        *names = NULL;
    return k;
}

static ca_status need_time(ca_sink *s, long line, const evt *e, const char *const *keys,
                           ca_event *ev, const char *what)
{
    if (dt_time(s, e->body, keys, &ev->time_ms) == 0)
        return CA_OK;
    if (e->fallback_ms > 0) {
        ev->time_ms = e->fallback_ms;
        return CA_OK;
    }
    char shown[64];
    json_object *v = NULL;
    for (const char *const *k = keys; *k && !v; k++)
        v = pj_get(e->body, *k);
    ca_sink_error(s, line, "expected %s, found %s; event skipped", what, dt_show(v, shown));
    return CA_FAILED;
}

static const char *const K_EVT_TIME[] = {"event_time", "TimeStamp", "timeStamp", "timestamp",
                                         "eventTime", NULL};

typedef enum { M_JOIN, M_EXIT, M_REMOVE } member_mode;

/* exit: a leave per member when they left by themselves, else a remove */
static ca_status member_event(ca_sink *s, long line, const evt *e, ca_event *ev,
                              member_mode mode)
{
    const char *oid, *oname;
    person(s, line, e->body, K_OPER_ID, K_OPER_NAME, &oid, &oname);
    const char **ids, **names;
    uint32_t n = members(s, line, e->body, &ids, &names);
    if (!n) {
        char shown[64];
        ca_sink_error(s, line, "expected members (a list of people), found %s; event skipped",
                      dt_show(dt_get(e->body, K_MEMBERS), shown));
        return CA_FAILED;
    }
    if (need_time(s, line, e, K_EVT_TIME, ev, e->time_what) != CA_OK)
        return CA_FAILED;
    if (mode == M_JOIN) {
        ev->kind = CA_KIND_JOIN;
        ev->actor = oid ? oid : oname;
        ev->actor_name = oname;
        ev->targets = ids;
        ev->target_names = names;
        ev->n_targets = n;
        ev->sender = ev->actor ? ev->actor : ids[0];
        ev->sender_name = ev->actor ? oname : names ? names[0] : NULL;
        return ca_sink_emit(s, ev);
    }
    /* The operator is empty when members leave by themselves (dws). */
    int self_left = mode == M_EXIT && !oid && !oname;
    if (mode == M_EXIT && !self_left && n == 1)
        self_left = (oid && strcmp(oid, ids[0]) == 0) ||
                    (!oid && oname && names && strcmp(oname, names[0]) == 0);
    if (!self_left) {
        ev->kind = CA_KIND_REMOVE;
        ev->actor = oid ? oid : oname;
        ev->actor_name = oname;
        ev->sender = ev->actor;
        ev->sender_name = oname;
        ev->targets = ids;
        ev->target_names = names;
        ev->n_targets = n;
        return ca_sink_emit(s, ev);
    }
    /* one leave per member: a leave is the act of one person */
    for (uint32_t i = 0; i < n; i++) {
        ca_event one = *ev;
        one.kind = CA_KIND_LEAVE;
        one.sender = one.actor = ids[i];
        one.sender_name = one.actor_name = names ? names[i] : NULL;
        one.targets = ids + i;
        one.target_names = names ? names + i : NULL;
        one.n_targets = 1;
        if (ca_sink_emit(s, &one) != CA_OK)
            return CA_FATAL;
    }
    return CA_OK;
}

static ca_status recall_event(ca_sink *s, long line, const evt *e, ca_event *ev)
{
    static const char *const k_msg[] = {"openMessageId", "message_id", "messageId", "msgId",
                                        NULL};
    static const char *const k_rid[] = {"recallerOpenDingTalkId", "recaller_open_dingtalk_id",
                                        NULL};
    static const char *const k_rname[] = {"recaller", NULL};
    static const char *const k_sid[] = {"senderOpenDingTalkId", "sender_open_dingtalk_id",
                                        NULL};
    static const char *const k_sname[] = {"sender", NULL};
    static const char *const k_time[] = {"msgRecallTime", "recall_time", "event_time",
                                         "timestamp", NULL};
    ev->kind = CA_KIND_RECALL;
    ev->reply_to = dt_istr(s, line, e->body, k_msg);
    const char *rid, *rname, *sid, *sname;
    person(s, line, e->body, k_rid, k_rname, &rid, &rname);
    person(s, line, e->body, k_sid, k_sname, &sid, &sname);
    if (!rid && !rname) { /* no recaller named: the sender recalled it */
        rid = sid;
        rname = sname;
    }
    ev->sender = ev->actor = rid ? rid : rname;
    ev->sender_name = ev->actor_name = rname;
    if (!rid && rname)
        ev->flags |= CA_EV_SENDER_WEAK;
    /* an admin recalling someone else's message: that someone */
    const char *orig = sid ? sid : sname;
    if (orig && ev->sender && strcmp(orig, ev->sender) != 0) {
        ev->targets = dt_strv(s, 1);
        if (!ev->targets)
            return CA_FATAL;
        ev->targets[0] = orig;
        if (sname) {
            ev->target_names = dt_strv(s, 1);
            if (!ev->target_names)
                return CA_FATAL;
            ev->target_names[0] = sname;
        }
        ev->n_targets = 1;
    }
    if (need_time(s, line, e, k_time, ev, "a msgRecallTime") != CA_OK)
        return CA_FAILED;
    return ca_sink_emit(s, ev);
}

static ca_status message_event(evt_ctx *c, ca_sink *s, long line, const evt *e, ca_event *ev)
{
    int have_time;
    if (dt_fill_message(s, line, e->body, c->file_conv, ev, &have_time) != CA_OK)
        return CA_FATAL;
    /* user_im_message_receive_o2o / _group say which the chat is */
    if (ca_starts_with(e->key, "user_im_message_") && strstr(e->key, "_o2o"))
        ev->flags |= CA_EV_PRIVATE;
    else if (ca_starts_with(e->key, "user_im_message_") && strstr(e->key, "_group"))
        ev->flags |= CA_EV_GROUP;
    if (!have_time && e->fallback_ms > 0) {
        ev->time_ms = e->fallback_ms;
        have_time = 1;
    }
    if (!have_time) {
        char shown[64];
        static const char *const k_t[] = {"createTime", "create_time", "createAt", NULL};
        json_object *v = NULL;
        for (const char *const *k = k_t; *k && !v; k++)
            v = pj_get(e->body, *k);
        ca_sink_error(s, line, "expected a createTime, found %s; message skipped",
                      dt_show(v, shown));
        return CA_FAILED;
    }
    if (e->robot) {
        /* senderStaffId is the org userId (the roster key); senderId is an
         * encrypted per-robot id. */
        static const char *const k_staff[] = {"senderStaffId", NULL};
        const char *staff = dt_istr(s, line, e->body, k_staff);
        if (staff) {
            ev->sender = staff;
            ev->flags &= ~(uint32_t)CA_EV_SENDER_WEAK;
        }
        static const char *const k_title[] = {"conversationTitle", NULL};
        ev->conv_name = dt_istr(s, line, e->body, k_title);
        if (ev->text) {
            while (*ev->text == ' ')
                ev->text++; /* the space left where "@robot" was cut */
            if (!*ev->text)
                ev->text = NULL;
        }
        /* atUsers name people by encrypted dingtalkId (the robot among
         * them) and only sometimes by staffId: the names after @ in the
         * text are what identity resolution can use, the staffIds are the
         * fallback when the text names nobody. */
        ev->mentions = NULL;
        ev->n_mentions = 0;
        if (ev->text && wx_find_mentions(ev->text, s, ev) < 0)
            return CA_FATAL;
        json_object *at = pj_get(e->body, "atUsers");
        if (!ev->n_mentions && at && json_object_is_type(at, json_type_array)) {
            size_t n = json_object_array_length(at);
            const char **v = dt_strv(s, n);
            static const char *const k_sid[] = {"staffId", NULL};
            for (size_t i = 0; v && i < n; i++) {
                const char *id = dt_istr(s, line, json_object_array_get_idx(at, i), k_sid);
                if (id)
                    v[ev->n_mentions++] = id;
            }
            ev->mentions = v;
        }
        /* undocumented quote: text.isReplyMsg / text.repliedMsg */
        json_object *rep = pj_get(e->body, "text.repliedMsg");
        if (rep && json_object_is_type(rep, json_type_object)) {
            static const char *const k_id[] = {"msgId", NULL};
            static const char *const k_who[] = {"senderNick", "senderId", NULL};
            ev->type = CA_TYPE_QUOTE;
            ev->reply_to = dt_istr(s, line, rep, k_id);
            ev->quote_sender = dt_istr(s, line, rep, k_who);
            ev->quote_text = pj_str(s, line, rep, "content");
            if (!ev->quote_text)
                ev->quote_text = pj_str(s, line, rep, "content.text");
        }
    }
    return ca_sink_emit(s, ev);
}

static ca_status lifecycle_event(ca_sink *s, long line, const evt *e, ca_event *ev,
                                 const char *what)
{
    static const char *const k_title[] = {"title", "Title", "name", NULL};
    const char *oid, *oname;
    person(s, line, e->body, K_OPER_ID, K_OPER_NAME, &oid, &oname);
    ev->actor = ev->sender = oid ? oid : oname;
    ev->actor_name = ev->sender_name = oname;
    if (need_time(s, line, e, K_EVT_TIME, ev, e->time_what) != CA_OK)
        return CA_FAILED;
    if (strcmp(what, "rename") == 0) {
        ev->title = dt_istr(s, line, e->body, k_title);
        if (ev->title) {
            ev->kind = CA_KIND_RENAME;
            return ca_sink_emit(s, ev);
        }
        /* an update that is not a title change: kept as a notice with its
         * fields, which the dws contract does not pin down */
        ev->kind = CA_KIND_NOTICE;
        ev->text = dt_raw_json(s, line, e->body);
        return ca_sink_emit(s, ev);
    }
    if (strcmp(what, "owner") == 0) {
        static const char *const k_owner[] = {"Owner", "owner", "newOwner", NULL};
        const char *owner = dt_istr(s, line, e->body, k_owner);
        if (!owner) {
            char shown[64];
            ca_sink_error(s, line, "expected an Owner (the new owner's userId), found %s; "
                          "event skipped", dt_show(dt_get(e->body, k_owner), shown));
            return CA_FAILED;
        }
        ev->kind = CA_KIND_OWNER;
        ev->targets = dt_strv(s, 1);
        if (!ev->targets)
            return CA_FATAL;
        ev->targets[0] = owner;
        ev->n_targets = 1;
        return ca_sink_emit(s, ev);
    }
    ev->kind = CA_KIND_NOTICE; /* disbanded */
    ev->text = "群已解散";
    return ca_sink_emit(s, ev);
}

/* The legacy callbacks and the dws lifecycle keys. */
static const struct {
    const char *key;
    const char *what;
} dispatch[] = {
    {"chat_add_member", "join"},        {"chat_remove_member", "remove"},
    {"chat_quit", "quit"},              {"chat_update_owner", "owner"},
    {"chat_update_title", "rename"},    {"chat_disband", "disband"},
    {"chat_disband_microapp", "disband"},
    {"user_im_group_member_added", "join"}, {"user_im_group_member_exited", "exit"},
    {"user_im_group_updated", "rename"}, {"user_im_group_disbanded", "disband"}};

static ca_status handle(evt_ctx *c, ca_sink *s, long line, const evt *e)
{
    ca_event ev = {0};
    ev.src_line = line;
    ev.conv = dt_istr(s, line, e->body, K_CONV);
    if (!ev.conv)
        ev.conv = c->file_conv;
    const char *k = e->key;
    if (e->robot || ca_starts_with(k, "user_im_message_receive_"))
        return message_event(c, s, line, e, &ev);
    if (ca_starts_with(k, "user_im_message_recall_"))
        return recall_event(s, line, e, &ev);
    if (ca_starts_with(k, "user_im_message_read_") ||
        ca_starts_with(k, "user_im_message_reaction_"))
        return CA_OK; /* counted, no event: see the top of the file */
    for (size_t i = 0; i < CA_ARRAY_LEN(dispatch); i++) {
        if (strcmp(dispatch[i].key, k) != 0)
            continue;
        const char *w = dispatch[i].what;
        if (strcmp(w, "join") == 0)
            return member_event(s, line, e, &ev, M_JOIN);
        if (strcmp(w, "exit") == 0)
            return member_event(s, line, e, &ev, M_EXIT);
        if (strcmp(w, "remove") == 0) /* chat_remove_member: Operator removed UserId[] */
            return member_event(s, line, e, &ev, M_REMOVE);
        if (strcmp(w, "quit") == 0) {
            /* chat_quit: the users who quit are UserId[], else the Operator */
            if (dt_get(e->body, K_MEMBERS))
                return member_event(s, line, e, &ev, M_EXIT);
            const char *oid, *oname;
            person(s, line, e->body, K_OPER_ID, K_OPER_NAME, &oid, &oname);
            if (!oid && !oname) {
                ca_sink_error(s, line, "expected the UserId or Operator who quit, found none; "
                              "event skipped");
                return CA_FAILED;
            }
            if (need_time(s, line, e, K_EVT_TIME, &ev, e->time_what) != CA_OK)
                return CA_FAILED;
            ev.kind = CA_KIND_LEAVE;
            ev.sender = ev.actor = oid ? oid : oname;
            ev.sender_name = ev.actor_name = oname;
            ev.targets = dt_strv(s, 1);
            if (!ev.targets)
                return CA_FATAL;
            ev.targets[0] = ev.sender;
            ev.n_targets = 1;
            return ca_sink_emit(s, &ev);
        }
        return lifecycle_event(s, line, e, &ev, w);
    }
    if (ca_starts_with(k, "user_im_") || ca_starts_with(k, "chat_"))
        ca_sink_warn(s, line, "unknown DingTalk event \"%.60s\"; skipped", k);
    /* other products' events (approvals, todos, calls, cards): no chat */
    return CA_OK;
}

/* Finds the event in a value: unwraps transport data and Stream frames. */
static ca_status one_event(evt_ctx *c, ca_sink *s, long line, json_object *o, int depth)
{
    char shown[64];
    if (!json_object_is_type(o, json_type_object)) {
        ca_sink_error(s, line, "expected a DingTalk event (a JSON object), found %s; skipped",
                      dt_show(o, shown));
        return CA_FAILED;
    }
    evt e = {0};
    e.time_what = "an event_time";
    json_object *o1 = NULL, *o2 = NULL, *v;
    ca_status st = CA_OK;
    if ((v = pj_get(o, "eventKey")) != NULL && json_object_is_type(v, json_type_string)) {
        /* dws raw: payload.body, possibly JSON strings */
        e.key = json_object_get_string(v);
        json_object *payload = dt_json_in(pj_get(o, "payload"), &o1);
        e.body = dt_json_in(pj_get(payload, "body"), &o2);
        static const char *const k_pt[] = {"event_time", NULL};
        static const char *const k_ot[] = {"occurredAtMs", NULL};
        e.fallback_ms = ms_of(s, payload, k_pt);
        if (!e.fallback_ms)
            e.fallback_ms = ms_of(s, o, k_ot);
        if (!e.body && payload)
            e.body = payload;
    } else if ((v = pj_get(o, "type")) != NULL && json_object_is_type(v, json_type_string) &&
               ca_starts_with(json_object_get_string(v), "user_")) {
        /* dws --flatten: the fields are at the top; lifecycle events keep
         * their payload {body: ...} */
        e.key = json_object_get_string(v);
        e.body = o;
        json_object *payload = dt_json_in(pj_get(o, "payload"), &o1);
        json_object *body = payload ? dt_json_in(pj_get(payload, "body"), &o2) : NULL;
        if (body && json_object_is_type(body, json_type_object))
            e.body = body;
        static const char *const k_t[] = {"event_time", "timestamp", NULL};
        e.fallback_ms = ms_of(s, o, k_t);
    } else if ((v = pj_get(o, "EventType")) != NULL &&
               json_object_is_type(v, json_type_string)) {
        e.key = json_object_get_string(v); /* legacy callback */
        e.body = o;
        e.time_what = "a TimeStamp";
    } else if (json_object_is_type(pj_get(o, "headers"), json_type_object)) {
        /* Stream frame: {headers: {eventType | topic, eventBornTime}, data} */
        json_object *data = dt_json_in(pj_get(o, "data"), &o1);
        json_object *h = pj_get(o, "headers");
        static const char *const k_born[] = {"eventBornTime", "time", NULL};
        e.fallback_ms = ms_of(s, h, k_born);
        e.body = data;
        if ((v = pj_get(h, "eventType")) != NULL && json_object_is_type(v, json_type_string))
            e.key = json_object_get_string(v);
        else if ((v = pj_get(h, "topic")) != NULL && json_object_is_type(v, json_type_string) &&
                 strcmp(json_object_get_string(v), "/v1.0/im/bot/messages/get") == 0)
            e.robot = 1, e.key = "robot";
        else if (data && pj_get(data, "msgId") && pj_get(data, "msgtype"))
            e.robot = 1, e.key = "robot";
    } else if (pj_get(o, "msgId") && pj_get(o, "msgtype")) {
        e.robot = 1, e.key = "robot"; /* HTTP robot callback body */
        e.body = o;
    } else if ((v = pj_get(o, "data")) != NULL && json_object_is_type(v, json_type_string) &&
               depth == 0) {
        /* transport envelope: {"data": "<event JSON>"} */
        json_object *inner = dt_json_in(v, &o1);
        if (inner && json_object_is_type(inner, json_type_object)) {
            st = one_event(c, s, line, inner, 1);
            json_object_put(o1);
            return st;
        }
    }
    if (!e.key || !e.body || !json_object_is_type(e.body, json_type_object)) {
        ca_sink_error(s, line,
                      "expected a DingTalk event (eventKey and payload.body, a flattened "
                      "\"type\", an EventType callback or a robot message msgId/msgtype), found "
                      "%s; skipped",
                      dt_show(o, shown));
        st = CA_FAILED;
    } else {
        st = handle(c, s, line, &e);
    }
    json_object_put(o2);
    json_object_put(o1);
    return st;
}

static ca_status on_value(void *ud, ca_sink *s, long line, json_object *o)
{
    evt_ctx *c = ud;
    ca_status st = CA_OK;
    if (line == 0 && json_object_is_type(o, json_type_array)) {
        size_t n = json_object_array_length(o);
        for (size_t i = 0; i < n && st != CA_FATAL; i++)
            st = one_event(c, s, rec_line(c, s, 0), json_object_array_get_idx(o, i), 0);
    } else {
        st = one_event(c, s, rec_line(c, s, line), o, 0);
    }
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

static ca_status evt_parse(const ca_entry *e, ca_sink *s)
{
    evt_ctx c = {0};
    c.file_conv = pc_conv_from_path(s, e, NULL);
    return dt_read_entry(e, s, on_value, &c);
}

const ca_format ca_format_dingtalk_events = {
    "dingtalk-events", "dingtalk",
    "DingTalk events: dws IM event NDJSON, legacy group-event callbacks, robot messages",
    evt_bid, evt_parse};

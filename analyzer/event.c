/*
 * event.c — names of kinds and types, and the NDJSON form of an event.
 */
#include <string.h>
#include "event.h"
#include "timeparse.h"

static const char *const kind_names[CA_KIND__COUNT] = {
    "message", "join", "leave", "remove", "rename", "create", "recall",
    "owner", "nick", "notice"};

static const char *const type_names[CA_TYPE__COUNT] = {
    "none", "text", "image", "voice", "video", "file", "link", "miniprogram",
    "sticker", "location", "quote", "record", "redpacket", "transfer", "card",
    "call", "other"};

const char *ca_kind_name(ca_kind k)
{
    return (unsigned)k < CA_KIND__COUNT ? kind_names[k] : "?";
}

const char *ca_type_name(ca_type t)
{
    return (unsigned)t < CA_TYPE__COUNT ? type_names[t] : "?";
}

int ca_kind_from_name(const char *s)
{
    for (int i = 0; i < CA_KIND__COUNT; i++)
        if (strcmp(kind_names[i], s) == 0)
            return i;
    return -1;
}

int ca_type_from_name(const char *s)
{
    for (int i = 0; i < CA_TYPE__COUNT; i++)
        if (strcmp(type_names[i], s) == 0)
            return i;
    return -1;
}

static void key(ca_buf *b, const char *k)
{
    ca_buf_putc(b, ',');
    ca_buf_putc(b, '"');
    ca_buf_puts(b, k);
    ca_buf_puts(b, "\":");
}

static void str_array(ca_buf *b, const char *const *a, uint32_t n)
{
    ca_buf_putc(b, '[');
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            ca_buf_putc(b, ',');
        ca_buf_json_str(b, a ? a[i] : NULL);
    }
    ca_buf_putc(b, ']');
}

int ca_event_to_json(ca_buf *b, const ca_event *ev, int tz)
{
    char t[32];
    ca_buf_puts(b, "{\"platform\":");
    ca_buf_json_str(b, ev->platform);
    key(b, "conv"); ca_buf_json_str(b, ev->conv);
    key(b, "conv_name"); ca_buf_json_str(b, ev->conv_name);
    key(b, "id"); ca_buf_json_str(b, ev->id);
    key(b, "time"); ca_buf_json_str(b, ca_time_format(ev->time_ms, tz, t));
    key(b, "kind"); ca_buf_json_str(b, ca_kind_name(ev->kind));
    key(b, "type");
    ca_buf_json_str(b, ev->kind == CA_KIND_MESSAGE ? ca_type_name(ev->type) : NULL);
    key(b, "sender"); ca_buf_json_str(b, ev->sender);
    key(b, "sender_name"); ca_buf_json_str(b, ev->sender_name);
    key(b, "employee"); ca_buf_json_str(b, ev->employee);
    key(b, "text"); ca_buf_json_str(b, ev->text);
    key(b, "mentions"); str_array(b, ev->mentions, ev->n_mentions);
    key(b, "mention_ids"); str_array(b, ev->mention_ids, ev->n_mentions);
    if (ev->flags & CA_EV_MENTION_ALL) {
        key(b, "mention_all");
        ca_buf_puts(b, "true");
    }
    key(b, "reply_to"); ca_buf_json_str(b, ev->reply_to);
    if (ev->quote_sender || ev->quote_text) {
        key(b, "quote_sender"); ca_buf_json_str(b, ev->quote_sender);
        key(b, "quote_text"); ca_buf_json_str(b, ev->quote_text);
    }
    key(b, "url"); ca_buf_json_str(b, ev->url);
    key(b, "title"); ca_buf_json_str(b, ev->title);
    key(b, "actor"); ca_buf_json_str(b, ev->actor);
    if (ev->actor_name && (!ev->actor || strcmp(ev->actor_name, ev->actor) != 0)) {
        key(b, "actor_name"); ca_buf_json_str(b, ev->actor_name);
    }
    if (ev->actor) {
        key(b, "actor_employee"); ca_buf_json_str(b, ev->actor_employee);
    }
    key(b, "targets"); str_array(b, ev->targets, ev->n_targets);
    if (ev->n_targets) {
        key(b, "target_employees"); str_array(b, ev->target_employees, ev->n_targets);
    }
    if (ev->target_names) {
        key(b, "target_names"); str_array(b, ev->target_names, ev->n_targets);
    }
    if (ev->n_items) {
        key(b, "items");
        ca_buf_putc(b, '[');
        for (uint32_t i = 0; i < ev->n_items; i++) {
            const ca_record_item *it = &ev->items[i];
            ca_buf_puts(b, i ? ",{\"sender_name\":" : "{\"sender_name\":");
            ca_buf_json_str(b, it->sender_name);
            ca_buf_puts(b, ",\"time\":");
            if (it->time_ms)
                ca_buf_json_str(b, ca_time_format(it->time_ms, tz, t));
            else
                ca_buf_json_str(b, it->time_text);
            ca_buf_puts(b, ",\"type\":");
            ca_buf_json_str(b, ca_type_name(it->type));
            ca_buf_puts(b, ",\"text\":");
            ca_buf_json_str(b, it->text);
            ca_buf_putc(b, '}');
        }
        ca_buf_putc(b, ']');
    }
    key(b, "src");
    if (ev->src_path) {
        ca_buf_putc(b, '"');
        size_t at = b->len;
        ca_buf_json_str(b, ev->src_path);
        /* splice ":LINE" inside the quotes written by ca_buf_json_str */
        if (!b->oom) {
            memmove(b->data + at, b->data + at + 1, b->len - at - 1);
            b->len -= 2;
            ca_buf_putc(b, ':');
            ca_buf_put_long(b, ev->src_line);
            ca_buf_putc(b, '"');
        }
    } else {
        ca_buf_puts(b, "null");
    }
    ca_buf_puts(b, "}\n");
    return b->oom ? -1 : 0;
}

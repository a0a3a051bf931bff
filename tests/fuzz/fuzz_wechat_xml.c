/*
 * fuzz_wechat_xml.c — libFuzzer harness for parsers/wechat.c: feeds the
 * input to wx_parse_appmsg and wx_parse_system (as XML payloads and as
 * plain system text), then wx_find_mentions and wx_strip_markup on what
 * came out.  Seed corpus: tests/fuzz/corpus/wechat_xml/, dictionary:
 * tests/fuzz/wechat_xml.dict.
 *
 *   cmake -S . -B build-fuzz -DFUZZ=ON -DCMAKE_C_COMPILER=clang
 *   cmake --build build-fuzz --target fuzz_wechat_xml
 *   build-fuzz/tests/fuzz_wechat_xml -dict=tests/fuzz/wechat_xml.dict \
 *       tests/fuzz/corpus/wechat_xml
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "importer.h"
#include "../../parsers/wechat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch(const ca_event *ev)
{
    /* Read every string the parsers set, so ASan sees bad pointers. */
    volatile size_t sum = 0;
    const char *strs[] = {ev->text, ev->title, ev->url, ev->reply_to, ev->quote_sender,
                          ev->quote_text, ev->actor, ev->actor_name, ev->sender,
                          ev->sender_name};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (strs[i])
            sum += strlen(strs[i]);
    for (uint32_t i = 0; i < ev->n_targets; i++)
        sum += strlen(ev->targets[i]) + strlen(ev->target_names[i]);
    for (uint32_t i = 0; i < ev->n_items; i++) {
        const ca_record_item *it = &ev->items[i];
        if (it->sender_name)
            sum += strlen(it->sender_name);
        if (it->time_text)
            sum += strlen(it->time_text);
        if (it->text)
            sum += strlen(it->text);
    }
    for (uint32_t i = 0; i < ev->n_mentions; i++)
        sum += strlen(ev->mentions[i]);
    (void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    /* A NUL-terminated copy: the parsers take (pointer, length), but the
     * mention finder reads C strings. */
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    /* Creating a test sink costs milliseconds (it is a whole import);
     * one is reused for 256 inputs, then replaced so its arena stays
     * small. */
    static ca_sink *s;
    static unsigned uses;
    if (s && ++uses % 256 == 0) {
        ca_test_sink_free(s);
        s = NULL;
    }
    if (!s)
        s = ca_test_sink_new();
    if (!s) {
        free(buf);
        return 0;
    }
    static const wx_self selves[2] = {{"wxid_self", "我"}, {NULL, NULL}};
    ca_event ev;

    memset(&ev, 0, sizeof ev);
    if (wx_parse_appmsg(buf, size, 1, s, &ev) != CA_FATAL) {
        touch(&ev);
        if (ev.text && wx_find_mentions(ev.text, s, &ev) == 0)
            touch(&ev);
    }

    memset(&ev, 0, sizeof ev);
    if (wx_parse_system(buf, size, &selves[size & 1], 2, s, &ev) != CA_FATAL) {
        touch(&ev);
        if (ev.text)
            (void)wx_strip_markup(ev.text, strlen(ev.text), s);
    }

    memset(&ev, 0, sizeof ev);
    if (wx_find_mentions(buf, s, &ev) == 0)
        touch(&ev);
    (void)wx_strip_markup(buf, size, s);
    (void)wx_type_from_code((long)size, size ? (long)data[0] : 0);

    free(buf);
    return 0;
}

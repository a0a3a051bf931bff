/* libFuzzer harness for the text normalizer: any bytes, both modes; the
 * offset map must stay inside the input and normalizing twice must not
 * change the text. */
#include <stdlib.h>
#include <string.h>
#include "../../analyzer/normalize.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ca_norm a, b;
    ca_norm_init(&a);
    ca_norm_init(&b);
    for (unsigned flags = 0; flags <= CA_NORM_STRIP; flags += CA_NORM_STRIP) {
        if (ca_normalize((const char *)data, size, flags, &a) < 0)
            break;
        for (size_t i = 0; i <= a.len; i++)
            if (a.map[i] > size)
                abort();
        size_t s, e;
        ca_norm_span(&a, 0, a.len, &s, &e);
        if (s > e || e > size)
            abort();
        if (ca_normalize(a.text, a.len, flags, &b) < 0)
            break;
        if (b.len != a.len || memcmp(a.text, b.text, a.len) != 0)
            abort();
    }
    ca_norm_free(&a);
    ca_norm_free(&b);
    return 0;
}

/* libFuzzer harness for the wechatexporter-txt importer. */
#define FUZZ_FORMAT "wechatexporter-txt"
#include "fuzz_format.h"

/* libFuzzer harness for the dingtalk-events importer. */
#define FUZZ_FORMAT "dingtalk-events"
#include "fuzz_format.h"

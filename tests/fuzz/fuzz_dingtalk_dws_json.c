/* libFuzzer harness for the dingtalk-dws-json importer. */
#define FUZZ_FORMAT "dingtalk-dws-json"
#include "fuzz_format.h"

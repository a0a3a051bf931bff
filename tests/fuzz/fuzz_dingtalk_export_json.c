/* libFuzzer harness for the dingtalk-export-json importer. */
#define FUZZ_FORMAT "dingtalk-export-json"
#include "fuzz_format.h"

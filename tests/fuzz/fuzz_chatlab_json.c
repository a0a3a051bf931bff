/* libFuzzer harness for the chatlab-json importer. */
#define FUZZ_FORMAT "chatlab-json"
#include "fuzz_format.h"

/* libFuzzer harness for the chatlog-json importer. */
#define FUZZ_FORMAT "chatlog-json"
#include "fuzz_format.h"

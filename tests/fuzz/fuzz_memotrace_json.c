/* libFuzzer harness for the memotrace-json importer. */
#define FUZZ_FORMAT "memotrace-json"
#include "fuzz_format.h"

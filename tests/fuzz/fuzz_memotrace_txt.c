/* libFuzzer harness for the memotrace-txt importer. */
#define FUZZ_FORMAT "memotrace-txt"
#include "fuzz_format.h"

/* libFuzzer harness for the memotrace-csv importer. */
#define FUZZ_FORMAT "memotrace-csv"
#include "fuzz_format.h"

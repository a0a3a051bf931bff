/* libFuzzer harness for the memotrace2-csv importer. */
#define FUZZ_FORMAT "memotrace2-csv"
#include "fuzz_format.h"

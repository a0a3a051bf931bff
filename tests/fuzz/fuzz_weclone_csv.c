/* libFuzzer harness for the weclone-csv importer. */
#define FUZZ_FORMAT "weclone-csv"
#include "fuzz_format.h"

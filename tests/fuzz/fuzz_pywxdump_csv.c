/* libFuzzer harness for the pywxdump-csv importer. */
#define FUZZ_FORMAT "pywxdump-csv"
#include "fuzz_format.h"
